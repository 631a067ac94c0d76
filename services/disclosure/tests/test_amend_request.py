"""Changing a written request: any change after signing voids the signature."""

from datetime import timedelta
from uuid import UUID

import pytest

from services.disclosure.application import DisclosureApplication
from services.disclosure.domain.decision import Decision
from services.disclosure.domain.rules import NotEntitled
from services.disclosure.tests.conftest import (
    DISCLOSURE_OFFICER,
    FULL,
    HEAD,
    NOW,
    OFFICER,
    OTHER_OFFICER,
    PART,
    routine_form,
)
from services.runtime.domain import RuleViolation, StateConflict

LATER = NOW + timedelta(hours=2)


def test_an_edit_after_signing_voids_the_signature_and_blocks_the_decision(
    app: DisclosureApplication, given_signed_request: UUID
) -> None:
    # Given a countersigned request
    signed_hash = app.get_request(given_signed_request).content_hash

    # When the officer widens the purpose after the head teacher signed
    app.amend_request(given_signed_request, {"purpose": "Any enquiry"}, LATER, OFFICER)

    # Then the signature is void: the content no longer reads as signed
    request = app.get_request(given_signed_request)
    assert request.signature is None and not request.signature_valid
    assert request.content_hash != signed_hash
    # And the disclosure officer cannot decide on the unsigned change
    with pytest.raises(StateConflict) as refused:
        app.decide(given_signed_request, Decision(**PART), LATER, DISCLOSURE_OFFICER)
    assert refused.value.rule == "countersignature-required"
    # And the old signature cannot be replayed over the new content
    with pytest.raises(StateConflict):
        app.countersign(given_signed_request, signed_hash, LATER, HEAD)


def test_the_head_teacher_signs_the_amended_request_again(
    app: DisclosureApplication, given_signed_request: UUID
) -> None:
    app.amend_request(given_signed_request, {"categories": ["offending_history"]}, LATER, OFFICER)
    request = app.get_request(given_signed_request)
    app.countersign(given_signed_request, request.content_hash, LATER, HEAD)
    app.decide(given_signed_request, Decision(**FULL), LATER, DISCLOSURE_OFFICER)
    assert app.get_request(given_signed_request).status == "decided"


def test_a_written_request_cannot_lose_a_pro_forma_field(
    app: DisclosureApplication, given_routine_request: UUID
) -> None:
    with pytest.raises(RuleViolation) as refused:
        app.amend_request(given_routine_request, {"necessity": None}, LATER, OFFICER)
    assert (refused.value.rule, refused.value.field) == ("pro-forma-incomplete", "necessity")


def test_the_subject_and_school_cannot_be_amended(
    app: DisclosureApplication, given_routine_request: UUID
) -> None:
    with pytest.raises(RuleViolation) as refused:
        app.amend_request(given_routine_request, {"school_id": "school-9"}, LATER, OFFICER)
    assert (refused.value.rule, refused.value.field) == ("field-not-amendable", "school_id")


def test_an_amendment_that_changes_nothing_is_refused(
    app: DisclosureApplication, given_routine_request: UUID
) -> None:
    purpose = app.get_request(given_routine_request).purpose
    with pytest.raises(RuleViolation) as refused:
        app.amend_request(given_routine_request, {"purpose": purpose}, LATER, OFFICER)
    assert refused.value.rule == "no-change"


def test_only_the_requester_amends(app: DisclosureApplication, given_routine_request: UUID) -> None:
    with pytest.raises(NotEntitled):
        app.amend_request(given_routine_request, {"purpose": "Other"}, LATER, OTHER_OFFICER)


def test_a_decided_request_cannot_change(
    app: DisclosureApplication, given_part_disclosure: UUID
) -> None:
    # When the officer tries to change the request the decision was taken on
    with pytest.raises(StateConflict) as refused:
        app.amend_request(given_part_disclosure, {"purpose": "Other"}, LATER, OFFICER)

    # Then it is refused and the recorded request is unchanged
    assert refused.value.rule == "decided-request-is-final"
    purpose = app.get_request(given_part_disclosure).purpose
    assert app.subjects.open(purpose, "purpose") == routine_form()["purpose"]
