"""The incident's protocol rules that need no aggregate: where it happened, who it reaches,
what limits police action and what closing it needs (Appendix 2, Working Practises)."""

from datetime import datetime

from ssp_contracts.events.incidents import LocationKind, Place
from ssp_contracts.vocab import OPEN_OUTCOMES, SERIOUS_CATEGORIES, CrimeOutcome

from services.incidents.domain.rules import check_justification
from services.runtime.domain import RuleViolation

# Roles of the police: they see an incident only once it is referred to them.
POLICE_ROLES = frozenset({"school_officer", "borough_supervisor"})
PREMISES_PLACES = {"building", "annexe", "playground", "sports_field"}
ABUTTING_PLACES = {"street", "public_place"}


def check_place(location_kind: LocationKind, place: Place | None) -> None:
    """A place inside the premises cannot be 'abutting', nor a street 'on premises'."""
    allowed = PREMISES_PLACES if location_kind == "premises" else ABUTTING_PLACES
    if place is not None and place not in allowed:
        raise RuleViolation(
            "location",
            f"place {place} does not fit location_kind {location_kind};"
            f" expected one of {', '.join(sorted(allowed))}",
            "place",
        )


def referred_on_report(category: str, reporter_role: str) -> bool:
    """Referred by rule when reported: the officer's own report, or a serious category."""
    return reporter_role == "school_officer" or category in SERIOUS_CATEGORIES


def police_action_justification(
    *,
    category: str,
    allegation_against_staff: bool,
    staff_consulted: bool,
    internal_election: bool,
    justification: str | None,
) -> str | None:
    """The justification a police action records; refused where the protocol limits action.

    Staff allegations need a consultation first; an internal election limits police action,
    it does not ban it: a written justification is then required.
    """
    if allegation_against_staff and not staff_consulted:
        raise RuleViolation(
            "staff-allegation-consultation",
            "an allegation against a member of staff is investigated only after"
            " consultation with the head teacher or deputy; record it first",
            "action",
        )
    if not internal_election:
        return justification.strip() if justification else None
    return check_justification(
        justification,
        "internal-election",
        "justification",
        f"police action after the school elected to deal with this {category} incident internally",
    )


def check_closing(
    outcome: CrimeOutcome, serious: bool, head_teacher_notified_at: datetime | None
) -> None:
    """A closing outcome closes, and a serious incident's head teacher has been told first."""
    if outcome in OPEN_OUTCOMES:
        raise RuleViolation("closing-outcome", f"outcome {outcome} leaves the case open", "outcome")
    if serious and head_teacher_notified_at is None:
        raise RuleViolation(
            "serious-head-teacher-notice",
            "a serious incident cannot be closed before the head teacher has been told",
            "outcome",
        )
