"""One row per fault: the figures, the targets each misses, the table in docs/reliability.md."""

import os
import platform
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from services.cli.faults.tally import Counts

HEADER = (
    "| fault | committed | distinct on Kafka | applied | applied ÷ committed | duplicates applied"
    " | lost | dead-lettered | catch-up (s) | fault (s) |"
)


@dataclass
class Row:
    """The figures of one fault, cumulative since the run began, and what was seen."""

    fault: str
    counts: Counts
    catch_up: float | None  # None: not caught up within the wait
    duration: float
    poison_missing: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def ratio(self) -> float:
        """Applied ÷ committed."""
        return self.counts.applied / self.counts.committed if self.counts.committed else 1.0

    def misses(self, timings: bool = True) -> list[str]:
        """The targets this row misses (timings only when asked: CI never asserts them)."""
        c, found = self.counts, []
        if c.applied != c.committed:
            found.append(f"applied {c.applied} != committed {c.committed}")
        if c.on_kafka != c.committed:
            found.append(f"distinct on Kafka {c.on_kafka} != committed {c.committed}")
        if c.phantoms:
            found.append(f"{c.phantoms} events on Kafka that no store holds")
        if c.lost:
            found.append(f"{c.lost} lost")
        if c.duplicates:
            found.append(f"{c.duplicates} duplicates applied")
        if self.poison_missing:
            found.append(f"poison not dead-lettered: {', '.join(self.poison_missing[:5])}")
        if (
            timings
            and self.duration > 0
            and (self.catch_up is None or self.catch_up > 2 * max(self.duration, 1.0))
        ):
            took = "never" if self.catch_up is None else f"{self.catch_up:.1f} s"
            found.append(f"catch-up {took} > 2 x fault {self.duration:.1f} s")
        return found

    def markdown(self) -> str:
        """The row as a Markdown table row."""
        c = self.counts
        return (
            f"| {self.fault} | {c.committed:,} | {c.on_kafka:,} | {c.applied:,} | {self.ratio:.3f}"
            f" | {c.duplicates} | {c.lost} | {c.dead_lettered} | {_secs(self.catch_up)}"
            f" | {self.duration:.1f} |"
        )


def _secs(value: float | None) -> str:
    return "not caught up" if value is None else f"{value:.1f}"


def machine() -> str:
    """One line naming the machine the figures come from."""
    mem = ""
    try:
        kb = int(Path("/proc/meminfo").read_text().split()[1])
        mem = f", {kb / 1024 / 1024:.1f} GiB RAM"
    except (OSError, ValueError, IndexError):
        pass
    system = f"{platform.system()} {platform.release()}"
    return f"{platform.node()}: {platform.machine()}, {os.cpu_count()} cores{mem}, {system}"


def table(rows: list[Row]) -> str:
    """The Markdown table of ``rows``."""
    lines = [HEADER, "|" + "---|" * HEADER.count(" | ") + "---|"]
    return "\n".join([*lines, *(r.markdown() for r in rows)])


def write(path: Path, rows: list[Row], scale: str, intro: str, facts: list[str]) -> None:
    """Write ``docs/reliability.md``: how the figures were made, then the table and notes."""
    notes = [f"- {r.fault}: {'; '.join(r.notes)}" for r in rows if r.notes]
    misses = [f"- {r.fault}: {'; '.join(r.misses())}" for r in rows if r.misses()]
    text = "\n\n".join(
        [
            intro.strip(),
            f"## Latest run\n\n{datetime.now(UTC):%Y-%m-%d %H:%M} UTC on {machine()}.\n\n"
            f"Scale: {scale}.\n\n" + "\n".join(f"- {fact}" for fact in facts),
            table(rows),
            "Targets missed:\n\n" + ("\n".join(misses) if misses else "- none"),
            "What the suite saw:\n\n" + ("\n".join(notes) if notes else "- nothing unusual"),
        ]
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text + "\n")
