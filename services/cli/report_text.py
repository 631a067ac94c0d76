"""The demo's report on the console: tables a supervisor can read at a glance."""

from typing import Any

from rich.console import Console
from rich.table import Table

from services.cli.report_definitions import DEFINITIONS

COLUMNS = (
    "borough", "schools", "officers (FTE)", "rostered h", "leave h", "abstracted h",
    "delivered h", "rate", "ring-fenced", "breaches", "incidents", "per 1,000 pupils",
    "£ per pupil",
)  # fmt: skip


def _pct(x: float | None) -> str:
    return "-" if x is None else f"{x * 100:.1f}%"


def _money(x: float | None) -> str:
    return "-" if x is None else f"£{x:,.2f}"


def _hours(h: float | None) -> str:
    if h is None:
        return "-"
    return f"{h * 60:.1f} min" if h < 1 else f"{h:.1f} h"


def _rate(x: float | None, places: int = 3) -> str:
    return "-" if x is None else f"{x:.{places}f}"


def _change(x: float | None, places: int = 3) -> str:
    return "-" if x is None else f"{x:+.{places}f}"


def _defined(console: Console, key: str) -> None:
    console.print(f"[dim]  Definition: {DEFINITIONS[key]}[/]")


def _row(name: str, b: dict[str, Any]) -> list[str]:
    rate = _pct(b["abstraction_rate"])
    if b["abstraction_rate"] > 0.10:
        rate = f"[red]{rate}[/]"
    return [
        name, str(b["schools"]), f"{b['officers']} ({b['fte']:g})",
        *(f"{b[k]:,.0f}" for k in ("rostered_hours", "leave_hours", "abstracted_hours",
                                   "delivered_hours")),
        rate, str(b["ring_fenced_officers"]), f"{b['ring_fence_breaches']:g}",
        str(b["incidents"]), str(b["per_1000_pupils"]), _money(b["cost_per_pupil"]),
    ]  # fmt: skip


def print_report(console: Console, term: str, fig: dict[str, Any]) -> None:
    """Abstraction and breaches by borough, incidents, searches, disclosures, value for money."""
    ldn = fig["london"]
    console.rule(f"[bold]Safer Schools Partnership, London, {term}")
    console.print(
        f"{ldn['schools']} schools, {ldn['pupils']:,} pupils, {ldn['officers']} officers"
        f" ({ldn['fte']:g} FTE); {ldn['delivered_hours']:,.0f} hours delivered of"
        f" {ldn['rostered_hours']:,.0f} rostered; abstraction {_pct(ldn['abstraction_rate'])};"
        f" {ldn['ring_fence_breaches']:g} ring-fence breaches; {ldn['incidents']} incidents"
        f" ({ldn['per_1000_pupils']} per 1,000 pupils)"
    )
    table = Table(title="Hours, abstraction, ring-fencing and incidents by borough")
    for col in COLUMNS:
        table.add_column(col, justify="left" if col == "borough" else "right")
    for b in fig["boroughs"]:
        table.add_row(*_row(b["borough"], b))
    table.add_row(*_row("[bold]London", ldn))
    console.print(table)
    _defined(console, "boroughs")
    cats = ", ".join(f"{k} {v:g} h" for k, v in ldn["hours_by_category"].items())
    console.print(f"Abstracted hours by category: {cats}")
    _defined(console, "categories_chart")
    console.print(
        "Searches by outcome: "
        + ", ".join(f"{k} {v}" for k, v in fig["searches_by_outcome"].items())
        + f" ({ldn['searches']} searches, {ldn['searches_linked']} linked to the object)"
    )
    _defined(console, "searches")
    console.print(
        f"Incidents: {ldn['incidents_dealt_with']} dealt with by the police, {ldn['arrests']}"
        f" arrests, {ldn['handled_internally']} handled by the school internally; top"
        " categories: "
        + ", ".join(f"{k} {v}" for k, v in list(fig["incidents_by_category"].items())[:5])
    )
    _defined(console, "incidents")
    for urgency, d in fig["disclosures"].items():
        console.print(
            f"Disclosures ({urgency}): {d['requests']} requests, {d['decided']} decided,"
            f" median turnaround {_hours(d['median_turnaround_hours'])}"
            f" ({_hours(d['median_hours_from_submission'])} from submission),"
            f" overdue written confirmations {d['overdue_confirmations']}"
        )
    _defined(console, "disclosures")
    ind = fig["indicators"]
    bullying, fixed = (
        "bullying_per_1000_pupils_per_day",
        "fixed_term_exclusions_per_1000_pupils_per_day",
    )
    absence = "unauthorised_absence_rate"
    console.print(
        f"Termly indicators ({ind['schools']} schools): bullying {_rate(ind[bullying])} per"
        f" 1,000 pupils a day ({_change(ind[bullying + '_change_on_last_term'])} on"
        f" {ind['last_term']}, {_change(ind[bullying + '_change_on_last_year'])} on last year);"
        f" unauthorised absence {_pct(ind[absence])} of possible sessions"
        f" ({_change(_x100(ind[absence + '_change_on_last_term']), 2)} points on last term);"
        f" fixed-term exclusions {_rate(ind[fixed])} per 1,000 pupils a day"
        f" ({_change(ind[fixed + '_change_on_last_term'])} on last term)"
    )
    _defined(console, "indicators")
    out = fig["outstanding"]
    console.print(
        f"Still owed: {out['head_teacher_incidents']} head teacher notices of serious incidents,"
        f" {out['head_teacher_arrests']} of arrests, {out['parents_searches']} parents' notices"
        f" of searches; {out['evidence_awaiting_handover']} items awaiting handover"
    )
    _defined(console, "outstanding")
    _outcomes(console, fig)
    _value(console, fig)
    audit = fig["audit"]
    console.print(
        f"Audit trail: {audit['entries']} entries, chain {'intact' if audit['ok'] else 'BROKEN'}"
    )


def _x100(x: float | None) -> float | None:
    return None if x is None else x * 100


def _outcomes(console: Console, fig: dict[str, Any]) -> None:
    acts = fig["activities"]
    kinds = ", ".join(
        f"{k.replace('_', ' ')} {v['activities']}" for k, v in acts["by_kind"].items()
    )
    console.print(
        f"Recorded activities of the officers: {acts['activities']} ({acts['hours']} hours;"
        f" {acts['with_partners']} with partner agencies): {kinds or 'none'}"
    )
    _defined(console, "activities")
    bullying, absence = "bullying_per_1000_pupils_per_day", "unauthorised_absence_rate"
    for group, c in fig["comparison"].items():
        console.print(
            f"Outcomes, {'SSP schools' if group == 'ssp' else 'comparison group'}:"
            f" {c['schools']} schools, bullying {_rate(c[bullying])} per 1,000 pupils a day,"
            f" unauthorised absence {_pct(c[absence])}"
        )
    _defined(console, "comparison")
    base = fig["baseline"]
    console.print(
        f"Against their own baseline: {base['with_baseline']} of {base['schools']} served schools"
        f" have one; median change in bullying {_change(base[bullying + '_median_change'])},"
        f" in unauthorised absence {_change(_x100(base[absence + '_median_change']), 2)} points"
    )
    _defined(console, "baseline")
    console.print(
        "Searches by ethnicity (share of searches / share of pupils): "
        + ", ".join(
            f"{r['ethnic_group']} {_pct(r['search_share'])} / {_pct(r['pupil_share'])}"
            f" (ratio {_rate(r['ratio'], 2)})"
            for r in fig["search_ethnicity"]
        )
    )
    _defined(console, "ethnicity")


def _value(console: Console, fig: dict[str, Any]) -> None:
    ldn = fig["london"]
    console.print(
        f"Value for money: {_money(ldn['period_cost'])} this term for {ldn['fte']:g} FTE"
        f" ({_money(ldn['annual_cost_equivalent'])} a year at that strength;"
        f" {_money(ldn['cost_per_school'])} per school, {_money(ldn['cost_per_pupil'])} per"
        f" pupil, {_money(ldn['cost_per_delivered_hour'])} per hour delivered,"
        f" {_money(ldn['cost_per_incident'])} per incident dealt with)"
        + "".join(f"; {note}" for note in ldn["cost_notes"])
    )
    for programme, p in fig["programmes"].items():
        console.print(
            f"  {programme.replace('_', ' ')}: {p['officers']} officers ({p['fte']:g} FTE),"
            f" {p['schools']} schools, {_money(p['period_cost'])} this term"
            + "".join(f"; {note}" for note in p["notes"])
        )
    _defined(console, "value")
