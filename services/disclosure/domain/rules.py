"""Rules of the workflow: who may act on a request, and what a decision or release needs."""

from collections.abc import Sequence
from collections.abc import Set as AbstractSet
from datetime import datetime

from services.runtime.domain import Actor, Forbidden, RuleViolation


class NotEntitled(Forbidden):
    """The protocol gives this act to someone else (the runtime's 403 refusal)."""


def check_head_teacher_of(actor: Actor, school_id: str) -> None:
    """Only the head teacher of the pupil's school may countersign."""
    if actor.role != "head_teacher" or actor.school != school_id:
        raise NotEntitled(
            "signatory-not-head-of-school",
            f"only the head teacher of school {school_id} may countersign this request;"
            f" the signatory acts for school {actor.school or 'none'}",
            "school_id",
        )


def check_disclosure_officer_of(actor: Actor, borough: str) -> None:
    """Only a disclosure officer of the request's borough may decide, release or close."""
    if actor.role != "disclosure_officer" or actor.borough != borough:
        raise NotEntitled(
            "not-disclosure-officer-of-borough",
            f"only a disclosure officer of borough {borough} may act on this request;"
            f" the caller acts for borough {actor.borough or 'none'}",
            "borough",
        )


def check_requester(actor: Actor, requested_by: str) -> None:
    """Only the requester may change or confirm their written request."""
    if actor.id != requested_by:
        raise NotEntitled(
            "only-requester-may-change",
            "only the officer who submitted the request may change or confirm it",
            "request_id",
        )


def check_decision(
    outcome: str,
    reasoning: str,
    withheld: Sequence[str],
    withheld_reason: str | None,
    requested: Sequence[str] | None,
) -> None:
    """Every decision gives its reasoning; a partial one says what is withheld and why."""
    if not reasoning.strip():
        raise RuleViolation(
            "reasoning-required",
            "every decision, including a refusal, needs reasoning",
            "reasoning",
        )
    if outcome != "disclose_part":
        if withheld or withheld_reason:
            raise RuleViolation(
                "withheld-only-in-part",
                "only a partial disclosure withholds categories",
                "withheld_categories",
            )
        return
    if not withheld:
        raise RuleViolation(
            "withheld-required",
            "a partial disclosure must name the categories withheld",
            "withheld_categories",
        )
    if requested and not set(withheld) < set(requested):
        raise RuleViolation(
            "withheld-not-requested-or-all",
            "withheld categories must be some, not all, of the categories requested",
            "withheld_categories",
        )
    if not (withheld_reason or "").strip():
        raise RuleViolation(
            "withheld-reason-required",
            "a partial disclosure must say why the categories are withheld",
            "withheld_reason",
        )


def check_release_time(released_at: datetime, decided_at: datetime, now: datetime) -> None:
    """A release happens after its decision and not in the future."""
    if released_at > now:
        raise RuleViolation("release-in-future", "released_at lies in the future", "released_at")
    if released_at < decided_at:
        raise RuleViolation(
            "release-before-decision",
            "released_at lies before the decision to disclose",
            "released_at",
        )


def check_categories_shared(shared: Sequence[str], disclosable: AbstractSet[str] | None) -> None:
    """Only categories the decision discloses may be shared."""
    if not shared:
        raise RuleViolation(
            "categories-shared-required", "name what was shared", "categories_shared"
        )
    if disclosable is not None and not set(shared) <= disclosable:
        extra = sorted(set(shared) - disclosable)
        raise RuleViolation(
            "category-not-disclosed",
            f"the decision does not disclose {', '.join(extra)}",
            "categories_shared",
        )


def check_text(value: str, field: str, what: str) -> None:
    """A free-text field that the record needs is not blank."""
    if not value.strip():
        raise RuleViolation(f"{field.replace('_', '-')}-required", f"{what} is required", field)


NOT_BEFORE = {
    "submission": "not-before-submission",
    "countersignature": "not-before-countersignature",
}


def check_not_before(moment: datetime, earlier: datetime | None, what: str) -> None:
    """A step given a business time cannot precede the step it follows (field ``at``)."""
    if earlier is not None and moment < earlier:
        raise RuleViolation(
            NOT_BEFORE[what],
            f"at {moment.isoformat()} is before the {what} ({earlier.isoformat()})",
            "at",
        )
