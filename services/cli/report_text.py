"""The demo's report on the console: tables a supervisor can read at a glance."""

from typing import Any

from rich.console import Console
from rich.table import Table

COLUMNS = (
    "borough", "schools", "officers", "rostered h", "abstracted h", "rate",
    "ring-fenced", "breaches", "incidents", "per 1,000 pupils", "£ per pupil",
)  # fmt: skip


def _pct(x: float | None) -> str:
    return "-" if x is None else f"{x * 100:.1f}%"


def _money(x: float | None) -> str:
    return "-" if x is None else f"£{x:,.2f}"


def _hours(h: float | None) -> str:
    if h is None:
        return "-"
    return f"{h * 60:.1f} min" if h < 1 else f"{h:.1f} h"


def print_report(console: Console, term: str, fig: dict[str, Any]) -> None:
    """Abstraction and breaches by borough, incidents, searches, disclosures, value for money."""
    ldn = fig["london"]
    console.rule(f"[bold]Safer Schools Partnership, London, {term}")
    console.print(
        f"{ldn['schools']} schools, {ldn['pupils']:,} pupils, {ldn['officers']} officers;"
        f" abstraction {_pct(ldn['abstraction_rate'])} of {ldn['rostered_hours']:,.0f} rostered"
        f" hours; {ldn['ring_fence_breaches']} ring-fence breaches;"
        f" {ldn['incidents']} incidents ({ldn['per_1000_pupils']} per 1,000 pupils)"
    )
    table = Table(title="Abstraction, ring-fencing and incidents by borough")
    for col in COLUMNS:
        table.add_column(col, justify="left" if col == "borough" else "right")
    for b in fig["boroughs"]:
        rate = _pct(b["abstraction_rate"])
        style = "red" if b["abstraction_rate"] > 0.10 else ""
        table.add_row(
            b["borough"], str(b["schools"]), str(b["officers"]), f"{b['rostered_hours']:,.0f}",
            f"{b['abstracted_hours']:,.0f}", f"[{style}]{rate}[/]" if style else rate,
            str(b["ring_fenced_officers"]), str(b["ring_fence_breaches"]), str(b["incidents"]),
            str(b["per_1000_pupils"]), _money(b["cost_per_pupil"]),
        )  # fmt: skip
    table.add_row(
        "[bold]London", str(ldn["schools"]), str(ldn["officers"]),
        f"{ldn['rostered_hours']:,.0f}", f"{ldn['abstracted_hours']:,.0f}",
        _pct(ldn["abstraction_rate"]), str(ldn["ring_fenced_officers"]),
        str(ldn["ring_fence_breaches"]), str(ldn["incidents"]), str(ldn["per_1000_pupils"]),
        _money(ldn["cost_per_pupil"]),
    )  # fmt: skip
    console.print(table)
    cats = ", ".join(f"{k} {v:g} h" for k, v in ldn["hours_by_category"].items())
    console.print(f"Abstracted hours by category: {cats}")
    console.print(
        "Searches by outcome: "
        + ", ".join(f"{k} {v}" for k, v in fig["searches_by_outcome"].items())
        + f" ({ldn['searches']} searches, {ldn['searches_linked']} linked to the object)"
    )
    console.print(
        f"Incidents: {ldn['incidents_dealt_with']} dealt with (closed), {ldn['arrests']} arrests,"
        f" {ldn['handled_internally']} handled by the school internally; top categories: "
        + ", ".join(f"{k} {v}" for k, v in list(fig["incidents_by_category"].items())[:5])
    )
    for urgency, d in fig["disclosures"].items():
        console.print(
            f"Disclosures ({urgency}): {d['requests']} requests, {d['decided']} decided,"
            f" median turnaround {_hours(d['median_turnaround_hours'])},"
            f" overdue written confirmations {d['overdue_confirmations']}"
        )
    ind = fig["indicators"]
    console.print(
        f"Termly indicators ({ind['schools']} schools): bullying {ind['bullying']}"
        f" ({ind['bullying_change']:+d} on last term), unauthorised absence sessions"
        f" {ind['truancy_sessions']:,} ({ind['truancy_sessions_change']:+,d}), fixed-term"
        f" exclusions {ind['fixed_term_exclusions']} ({ind['fixed_term_exclusions_change']:+d})"
    )
    out = fig["outstanding"]
    console.print(
        f"Still owed: {out['head_teacher_incidents']} head teacher notices of serious incidents,"
        f" {out['head_teacher_arrests']} of arrests, {out['parents_searches']} parents' notices"
        f" of searches; {out['evidence_awaiting_handover']} items awaiting handover"
    )
    console.print(
        f"Value for money: {_money(ldn['annual_cost'])} a year for {ldn['officers']} officers"
        f" ({_money(ldn['cost_per_school'])} per school, {_money(ldn['cost_per_pupil'])} per"
        f" pupil, {_money(ldn['cost_per_incident'])} per incident dealt with this term)"
    )
    audit = fig["audit"]
    console.print(
        f"Audit trail: {audit['entries']} entries, chain {'intact' if audit['ok'] else 'BROKEN'}"
    )
