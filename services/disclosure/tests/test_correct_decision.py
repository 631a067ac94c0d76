"""A correction is a new decision that references the old one; the old one stays on record."""

from datetime import timedelta
from uuid import UUID

import pytest

from services.disclosure.application import DisclosureApplication
from services.disclosure.domain import DisclosureRequest
from services.disclosure.domain.decision import Decision
from services.disclosure.tests.conftest import DISCLOSURE_OFFICER, FULL, NOW, REFUSE
from services.runtime.domain import RuleViolation, StateConflict

LATER = NOW + timedelta(hours=5)


def standing_id(app: DisclosureApplication, request_id: UUID) -> str:
    decision = app.get_request(request_id).decision
    assert decision is not None
    return str(decision["decision_id"])


def test_a_correction_replaces_and_references_the_decision(
    app: DisclosureApplication, given_part_disclosure: UUID
) -> None:
    # Given a partial disclosure
    old = standing_id(app, given_part_disclosure)

    # When the officer corrects it to a full disclosure
    new = app.correct_decision(
        given_part_disclosure,
        old,
        Decision(**FULL),
        "Exclusions proved relevant",
        LATER,
        DISCLOSURE_OFFICER,
    )

    # Then the new decision stands and names the one it corrects
    decision = app.get_request(given_part_disclosure).decision
    assert decision is not None
    assert (decision["decision_id"], decision["corrects"]) == (new, old)
    assert decision["outcome"] == "disclose_full"
    # And the history keeps both decisions
    events = [type(e).__name__ for e in app.history(DisclosureRequest, given_part_disclosure)]
    assert events[-2:] == ["Decided", "DecisionCorrected"]


def test_a_correction_must_name_the_standing_decision(
    app: DisclosureApplication, given_part_disclosure: UUID
) -> None:
    with pytest.raises(StateConflict) as refused:
        app.correct_decision(
            given_part_disclosure,
            "not-the-decision",
            Decision(**FULL),
            "why",
            LATER,
            DISCLOSURE_OFFICER,
        )
    assert refused.value.field == "corrects"


def test_a_correction_gives_its_reason(
    app: DisclosureApplication, given_part_disclosure: UUID
) -> None:
    old = standing_id(app, given_part_disclosure)
    with pytest.raises(RuleViolation) as refused:
        app.correct_decision(
            given_part_disclosure, old, Decision(**FULL), " ", LATER, DISCLOSURE_OFFICER
        )
    assert refused.value.field == "correction_reason"


def test_released_information_cannot_be_corrected_into_a_refusal(
    app: DisclosureApplication, given_released_request: UUID
) -> None:
    old = standing_id(app, given_released_request)
    with pytest.raises(StateConflict) as refused:
        app.correct_decision(
            given_released_request,
            old,
            Decision(**REFUSE),
            "Second thoughts",
            LATER,
            DISCLOSURE_OFFICER,
        )
    assert refused.value.rule == "already-released"
    assert standing_id(app, given_released_request) == old


def test_nothing_to_correct_before_a_decision(
    app: DisclosureApplication, given_signed_request: UUID
) -> None:
    with pytest.raises(StateConflict):
        app.correct_decision(
            given_signed_request, "x", Decision(**FULL), "why", LATER, DISCLOSURE_OFFICER
        )
