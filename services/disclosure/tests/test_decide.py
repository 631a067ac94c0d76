"""The disclosure officer of the borough decides: in full, in part, or refuses, with reasons."""

from datetime import timedelta
from typing import Any
from uuid import UUID

import pytest

from services.disclosure.application import DisclosureApplication
from services.disclosure.domain.decision import Decision
from services.disclosure.domain.rules import NotEntitled
from services.disclosure.tests.conftest import (
    DISCLOSURE_OFFICER,
    FULL,
    NOW,
    OTHER_BOROUGH_OFFICER,
    PART,
    REFUSE,
)
from services.runtime.domain import RuleViolation, StateConflict

LATER = NOW + timedelta(hours=2)


@pytest.mark.parametrize("decision", [FULL, PART, REFUSE], ids=lambda d: d["outcome"])
def test_each_outcome_is_recorded_with_its_reasoning(
    app: DisclosureApplication, given_signed_request: UUID, decision: dict[str, Any]
) -> None:
    # When the disclosure officer decides
    decision_id = app.decide(given_signed_request, Decision(**decision), LATER, DISCLOSURE_OFFICER)

    # Then the decision stands with its id, reasoning, time and author
    standing = app.get_request(given_signed_request).decision
    assert standing is not None
    assert standing["decision_id"] == decision_id
    assert standing["outcome"] == decision["outcome"]
    # (sealed under the subject's key in the store; opened as the API shows it)
    assert app.subjects.open(standing["reasoning"], "reasoning") == decision["reasoning"]
    assert standing["decided_at"] == LATER
    assert standing["decided_by"] == "do-1"


@pytest.mark.parametrize("outcome", ["disclose_full", "disclose_part", "refuse"])
def test_reasoning_is_required_for_every_outcome(
    app: DisclosureApplication, given_signed_request: UUID, outcome: str
) -> None:
    decision = {**PART, "outcome": outcome, "reasoning": "   "}
    with pytest.raises(RuleViolation) as refused:
        app.decide(given_signed_request, Decision(**decision), LATER, DISCLOSURE_OFFICER)
    assert (refused.value.rule, refused.value.field) == ("reasoning-required", "reasoning")


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"withheld_categories": []}, "withheld_categories"),
        ({"withheld_reason": None}, "withheld_reason"),
        ({"withheld_categories": ["health"]}, "withheld_categories"),
        (
            {"withheld_categories": ["offending_history", "safeguarding_concerns", "behaviour"]},
            "withheld_categories",
        ),
    ],
)
def test_a_partial_disclosure_says_what_is_withheld_and_why(
    app: DisclosureApplication, given_signed_request: UUID, change: dict[str, Any], field: str
) -> None:
    with pytest.raises(RuleViolation) as refused:
        app.decide(given_signed_request, Decision(**{**PART, **change}), LATER, DISCLOSURE_OFFICER)
    assert refused.value.field == field


def test_a_full_disclosure_withholds_nothing(
    app: DisclosureApplication, given_signed_request: UUID
) -> None:
    with pytest.raises(RuleViolation) as refused:
        app.decide(
            given_signed_request,
            Decision(**{**FULL, "withheld_categories": ["safeguarding_concerns"]}),
            LATER,
            DISCLOSURE_OFFICER,
        )
    assert refused.value.rule == "withheld-only-in-part"


def test_a_routine_request_is_not_decided_before_the_countersignature(
    app: DisclosureApplication, given_routine_request: UUID
) -> None:
    with pytest.raises(StateConflict) as refused:
        app.decide(given_routine_request, Decision(**FULL), LATER, DISCLOSURE_OFFICER)
    assert refused.value.rule == "countersignature-required"


def test_a_disclosure_officer_of_another_borough_may_not_decide(
    app: DisclosureApplication, given_signed_request: UUID
) -> None:
    with pytest.raises(NotEntitled) as refused:
        app.decide(given_signed_request, Decision(**FULL), LATER, OTHER_BOROUGH_OFFICER)
    assert refused.value.rule == "not-disclosure-officer-of-borough"
    assert app.get_request(given_signed_request).decision is None


def test_a_decision_is_never_edited(
    app: DisclosureApplication, given_part_disclosure: UUID
) -> None:
    # Given a partial disclosure, when the officer tries to decide again
    before = app.get_request(given_part_disclosure).decision
    with pytest.raises(StateConflict) as refused:
        app.decide(given_part_disclosure, Decision(**FULL), LATER, DISCLOSURE_OFFICER)

    # Then it is refused, pointing at corrections, and the decision is as it was
    assert refused.value.rule == "decision-is-final"
    assert "correction" in refused.value.message
    assert app.get_request(given_part_disclosure).decision == before
