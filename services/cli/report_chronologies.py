"""The report's line on pupils' chronologies consulted, from the audit trail's consultations."""

from collections import Counter
from typing import Any

from rich.console import Console

from services.cli.report_definitions import DEFINITIONS


def summarise(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Chronology reads (and the entries they showed) by purpose, from ``/audit/consultations``."""
    chronologies = [r for r in rows if r["record_kind"] == "pupil_chronology"]
    by_purpose: Counter[str] = Counter()
    for r in chronologies:
        by_purpose[r["purpose"]] += r["consultations"]
    return {
        "consultations": sum(r["consultations"] for r in chronologies),
        "records_shown": sum(r["records_shown"] for r in chronologies),
        "by_purpose": dict(by_purpose.most_common()),
        "all_consultations": sum(r["consultations"] for r in rows),
    }


def line(fig: dict[str, Any]) -> str:
    """The sentence the text and HTML reports share."""
    purposes = ", ".join(f"{k.replace('_', ' ')} {v}" for k, v in fig["by_purpose"].items())
    return (
        f"Chronologies consulted: {fig['consultations']} reads of a pupil's chronology"
        f" ({fig['records_shown']} entries shown), by purpose: {purposes or 'none'};"
        f" {fig['all_consultations']} consultations of personal data in all"
    )


def print_chronologies(console: Console, fig: dict[str, Any]) -> None:
    """The line and its definition."""
    console.print(line(fig))
    console.print(f"[dim]  Definition: {DEFINITIONS['chronologies']}[/]")
