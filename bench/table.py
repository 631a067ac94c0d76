"""The benchmarks' one table, as Markdown, and its place in bench/README.md."""

import os
import platform
from datetime import datetime
from pathlib import Path

from bench.common import Measure

BEGIN = "<!-- bench:table:begin (written by make bench) -->"
END = "<!-- bench:table:end -->"


def render(measures: list[Measure], when: datetime) -> str:
    """One Markdown table: component, raw baseline and its rate, ours, ratio, goal, met."""
    lines = [
        f"`make bench`, {when:%Y-%m-%d %H:%M} UTC, {platform.machine()}, "
        f"{os.cpu_count()} cores, Python {platform.python_version()}:",
        "",
        "| component | n | raw baseline | baseline rate | our rate | ratio | goal | met |",
        "|---|---:|---|---:|---:|---:|---:|---|",
    ]
    for m in measures:
        has_baseline = m.baseline_rate > 0
        lines.append(
            "| "
            + " | ".join(
                [
                    m.name,
                    f"{m.events:,}" if m.events else "",
                    m.baseline or "—",
                    f"{m.baseline_rate:,.0f} {m.unit}" if has_baseline else "—",
                    f"{m.rate:,.0f} {m.unit}",
                    f"{m.ratio:.2f}" if has_baseline else "—",
                    f"{'≤' if m.at_most else '≥'} {m.goal:g}" if m.goal is not None else "—",
                    {None: "—", True: "yes", False: "**no**"}[m.met],
                ]
            )
            + " |"
        )
    return "\n".join(lines)


def write_into(readme: Path, table: str, begin: str = BEGIN, end: str = END) -> None:
    """Replace the table between the markers (or append it with them), keeping the prose."""
    text = readme.read_text()
    block = f"{begin}\n{table}\n{end}"
    if begin in text and end in text:
        head, rest = text.split(begin, 1)
        text = head + block + rest.split(end, 1)[1]
    else:
        text = text.rstrip("\n") + "\n\n" + block + "\n"
    readme.write_text(text)
