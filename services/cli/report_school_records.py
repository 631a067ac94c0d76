"""The report's figures of the school's own records: allegations against staff (counts only)
and searches by school staff, per school and term, apart from the police searches."""

from collections import Counter
from typing import Any

from rich.console import Console

from services.cli.report_definitions import DEFINITIONS

COUNTS = ("recorded", "referred", "open")
SEARCHES = ("school_searches", "school_searches_of_pupils", "police_searches")


def summarise(allegations: list[dict[str, Any]], searches: list[dict[str, Any]]) -> dict[str, Any]:
    """London totals and one row per school and term that has any (from reporting's rows)."""
    by_school: dict[tuple[str, str], dict[str, Any]] = {}
    for r in [*allegations, *searches]:
        row = by_school.setdefault(
            (r["school_id"], r["term"]),
            {"school_id": r["school_id"], "borough": r["borough"], "term": r["term"]}
            | dict.fromkeys((*COUNTS, *SEARCHES), 0),
        )
        row.update({k: r[k] for k in (*COUNTS, *SEARCHES) if k in r})
    outcomes: Counter[str] = Counter()
    for r in allegations:
        outcomes.update(r["by_outcome"])
    return {
        "allegations": {k: sum(r[k] for r in allegations) for k in COUNTS}
        | {"schools": len(allegations), "by_outcome": dict(outcomes.most_common())},
        "searches": {k: sum(r[k] for r in searches) for k in SEARCHES}
        | {"schools": sum(r["school_searches"] > 0 for r in searches)},
        "by_school": [by_school[k] for k in sorted(by_school)],
    }


def print_school_records(console: Console, fig: dict[str, Any]) -> None:
    """Two lines, each with its definition."""
    a, s = fig["allegations"], fig["searches"]
    outcomes = ", ".join(f"{k.replace('-', ' ')} {v}" for k, v in a["by_outcome"].items())
    console.print(
        f"Allegations against staff: {a['recorded']} recorded at {a['schools']} schools,"
        f" {a['referred']} referred to the police, {a['open']} still open; by outcome:"
        f" {outcomes or 'none'}"
    )
    console.print(f"[dim]  Definition: {DEFINITIONS['allegations']}[/]")
    console.print(
        f"Searches by school staff: {s['school_searches']} at {s['schools']} schools"
        f" ({s['school_searches_of_pupils']} of pupils), the school's record, beside"
        f" {s['police_searches']} police searches"
    )
    console.print(f"[dim]  Definition: {DEFINITIONS['school_searches']}[/]")


HEADERS = ["school", "borough", "term", "allegations", "referred", "open",
           "staff searches", "of pupils", "police searches"]  # fmt: skip


def table_rows(fig: dict[str, Any]) -> list[list[Any]]:
    """The HTML report's rows: one per school and term with any allegation or search."""
    return [
        [r["school_id"], r["borough"], r["term"], *(r[k] for k in (*COUNTS, *SEARCHES))]
        for r in fig["by_school"]
    ]
