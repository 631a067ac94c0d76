"""The demo's report as one self-contained HTML page with inline SVG charts (no network)."""

import html
import json
from pathlib import Path
from typing import Any

from services.cli.report_text import _hours, _money, _pct

STYLE = """body{font:14px system-ui,sans-serif;margin:2em auto;max-width:1100px;color:#222}
h1{font-size:1.5em}h2{font-size:1.15em;margin-top:2em}table{border-collapse:collapse}
td,th{padding:3px 8px;border-bottom:1px solid #ddd;text-align:right}td:first-child,
th:first-child{text-align:left}.note{color:#666}svg text{font-size:11px}"""


def bar_chart(
    title: str,
    items: list[tuple[str, float]],
    fmt: str = "{:.1f}",
    line: float | None = None,
    line_label: str = "",
) -> str:
    """A horizontal bar chart as inline SVG; ``line`` draws a threshold."""
    width, left, row = 760, 190, 20
    top = max((v for _, v in items), default=0) or 1
    top = max(top, line or 0) * 1.1
    height = row * len(items) + 30
    scale = (width - left - 60) / top
    parts = [
        f'<svg class="chart" role="img" aria-label="{html.escape(title)}" width="{width}"'
        f' height="{height}" xmlns="http://www.w3.org/2000/svg"><title>{html.escape(title)}</title>'
    ]
    for i, (label, value) in enumerate(items):
        y = 10 + i * row
        parts.append(
            f'<text x="{left - 6}" y="{y + 13}" text-anchor="end">{html.escape(label)}</text>'
            f'<rect x="{left}" y="{y + 2}" width="{value * scale:.1f}" height="{row - 6}"'
            f' fill="#3a6ea5"/><text x="{left + value * scale + 4:.1f}" y="{y + 13}">'
            f"{fmt.format(value)}</text>"
        )
    if line is not None:
        x = left + line * scale
        parts.append(
            f'<line x1="{x:.1f}" y1="5" x2="{x:.1f}" y2="{height - 15}" stroke="#c0392b"'
            f' stroke-dasharray="4 3"/><text x="{x + 3:.1f}" y="{height - 3}" fill="#c0392b">'
            f"{html.escape(line_label)}</text>"
        )
    parts.append("</svg>")
    return f"<h2>{html.escape(title)}</h2>" + "".join(parts)


def _table(headers: list[str], rows: list[list[Any]]) -> str:
    head = "".join(f"<th>{html.escape(h)}</th>" for h in headers)
    body = "".join(
        "<tr>" + "".join(f"<td>{html.escape(str(c))}</td>" for c in r) + "</tr>" for r in rows
    )
    return f"<table><tr>{head}</tr>{body}</table>"


def write_report(path: Path, term: str, fig: dict[str, Any], links: dict[str, str]) -> Path:
    """Write the HTML report (and its figures as JSON beside it); returns the HTML path."""
    ldn, boroughs = fig["london"], fig["boroughs"]
    charts = [
        bar_chart(
            "Abstraction rate by borough (% of rostered hours)",
            [(b["borough"], b["abstraction_rate"] * 100) for b in boroughs],
            "{:.1f}%", 10.0, "10% ring-fence threshold",
        ),
        bar_chart(
            "Ring-fence breaches by borough",
            [(b["borough"], float(b["ring_fence_breaches"])) for b in boroughs], "{:.0f}",
        ),
        bar_chart(
            "Abstracted hours by category (London)",
            sorted(ldn["hours_by_category"].items(), key=lambda kv: -kv[1]), "{:.0f} h",
        ),
        bar_chart(
            "Incidents per 1,000 pupils by borough",
            [(b["borough"], b["per_1000_pupils"] or 0.0) for b in boroughs], "{:.1f}",
        ),
        bar_chart(
            "Incidents by category (London)",
            [(k, float(v)) for k, v in fig["incidents_by_category"].items()], "{:.0f}",
        ),
        bar_chart(
            "Searches by outcome (London)",
            [(k, float(v)) for k, v in fig["searches_by_outcome"].items()], "{:.0f}",
        ),
        bar_chart(
            "Disclosure turnaround, request to decision (median, minutes)",
            [(u, (d["median_turnaround_hours"] or 0) * 60) for u, d in fig["disclosures"].items()],
            "{:.2f} min",
        ),
        bar_chart(
            "Notional cost per pupil by borough (£ a year)",
            [(b["borough"], b["cost_per_pupil"] or 0.0) for b in boroughs], "£{:.2f}",
        ),
    ]  # fmt: skip
    rows = [
        [b["borough"], b["schools"], b["officers"], f"{b['pupils']:,}",
         f"{b['rostered_hours']:,.0f}",
         _pct(b["abstraction_rate"]), b["ring_fence_breaches"], b["incidents"],
         b["per_1000_pupils"], _money(b["cost_per_pupil"])]
        for b in boroughs
    ]  # fmt: skip
    disclosures = [
        [u, d["requests"], d["decided"], _hours(d["median_turnaround_hours"]),
         d["overdue_confirmations"]]
        for u, d in fig["disclosures"].items()
    ]  # fmt: skip
    summary = (
        f"{ldn['schools']} schools, {ldn['pupils']:,} pupils, {ldn['officers']} officers;"
        f" abstraction {_pct(ldn['abstraction_rate'])}; {ldn['ring_fence_breaches']} ring-fence"
        f" breaches; {ldn['incidents']} incidents ({ldn['per_1000_pupils']} per 1,000 pupils);"
        f" {ldn['searches']} searches; {_money(ldn['annual_cost'])} a year"
        f" ({_money(ldn['cost_per_pupil'])} per pupil)."
    )
    link_list = "".join(
        f'<li>{html.escape(k)}: <a href="{html.escape(v)}">{html.escape(v)}</a></li>'
        for k, v in links.items()
    )
    page = (
        f"<!doctype html><html lang='en'><head><meta charset='utf-8'><title>SSP {term}</title>"
        f"<style>{STYLE}</style></head><body><h1>Safer Schools Partnership, London, {term}</h1>"
        f"<p>{html.escape(summary)}</p>"
        + _table(
            [
                "borough",
                "schools",
                "officers",
                "pupils",
                "rostered h",
                "abstraction",
                "breaches",
                "incidents",
                "per 1,000 pupils",
                "£ per pupil",
            ],
            rows,
        )
        + "".join(charts)
        + "<h2>Disclosures</h2>"
        + _table(
            ["urgency", "requests", "decided", "median turnaround", "overdue confirmations"],
            disclosures,
        )
        + "<p class='note'>Turnaround is measured between the service's own timestamps of"
        " request and decision; the demo plays them within seconds.</p>"
        + f"<h2>Where to look</h2><ul>{link_list}</ul></body></html>"
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(page, encoding="utf-8")
    path.with_suffix(".json").write_text(json.dumps(fig, indent=2, default=str), encoding="utf-8")
    return path
