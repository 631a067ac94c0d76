"""The head teacher of the pupil's school countersigns the request as it reads."""

from datetime import timedelta
from uuid import UUID

import pytest

from services.disclosure.application import DisclosureApplication
from services.disclosure.domain.decision import Decision
from services.disclosure.domain.rules import NotEntitled
from services.disclosure.tests.conftest import (
    DISCLOSURE_OFFICER,
    HEAD,
    NOW,
    OTHER_HEAD,
    REFUSE,
    routine_form,
    submit,
)
from services.runtime.domain import Actor, RuleViolation, StateConflict


def test_the_head_teacher_of_the_school_countersigns(
    app: DisclosureApplication, given_routine_request: UUID
) -> None:
    # Given the request as the head teacher reads it
    content_hash = app.get_request(given_routine_request).content_hash

    # When she signs it
    app.countersign(given_routine_request, content_hash, NOW, HEAD)

    # Then the signature records who signed, when, and the content as signed
    request = app.get_request(given_routine_request)
    assert request.signature == {"content_hash": content_hash, "signed_at": NOW, "by": "head-1"}
    assert request.signature_valid


def test_the_head_teacher_of_another_school_may_not_sign(
    app: DisclosureApplication, given_routine_request: UUID
) -> None:
    content_hash = app.get_request(given_routine_request).content_hash
    with pytest.raises(NotEntitled) as refused:
        app.countersign(given_routine_request, content_hash, NOW, OTHER_HEAD)
    assert refused.value.rule == "signatory-not-head-of-school"
    assert refused.value.status_code == 403
    assert app.get_request(given_routine_request).signature is None


@pytest.mark.parametrize(
    "signatory",
    [DISCLOSURE_OFFICER, Actor("staff-1", "school_staff", "c", "school-1", None)],
)
def test_nobody_but_a_head_teacher_signs(
    app: DisclosureApplication, given_routine_request: UUID, signatory: Actor
) -> None:
    content_hash = app.get_request(given_routine_request).content_hash
    with pytest.raises(NotEntitled):
        app.countersign(given_routine_request, content_hash, NOW, signatory)


def test_a_signature_over_content_not_read_is_refused(
    app: DisclosureApplication, given_routine_request: UUID
) -> None:
    with pytest.raises(StateConflict) as refused:
        app.countersign(given_routine_request, "0" * 64, NOW, HEAD)
    assert (refused.value.rule, refused.value.field) == ("content-changed", "content_hash")


def test_a_request_is_signed_once(app: DisclosureApplication, given_signed_request: UUID) -> None:
    content_hash = app.get_request(given_signed_request).content_hash
    with pytest.raises(StateConflict) as refused:
        app.countersign(given_signed_request, content_hash, NOW + timedelta(hours=2), HEAD)
    assert refused.value.rule == "already-countersigned"


def test_an_incomplete_urgent_request_cannot_be_signed_yet(
    app: DisclosureApplication, given_urgent_request: UUID
) -> None:
    content_hash = app.get_request(given_urgent_request).content_hash
    with pytest.raises(RuleViolation) as refused:
        app.countersign(given_urgent_request, content_hash, NOW, HEAD)
    assert refused.value.rule == "pro-forma-incomplete"


def test_a_request_about_an_adult_is_signed_and_only_then_decided(
    app: DisclosureApplication,
) -> None:
    # "The head teacher, as signatory to this protocol must sign the request for disclosure":
    # every request, not only those about pupils (Appendix 2).
    request_id = submit(app, routine_form(subject_ref="staff-0123456789abcdef"))
    with pytest.raises(StateConflict) as unsigned:
        app.decide(request_id, Decision(**REFUSE), NOW + timedelta(hours=1), DISCLOSURE_OFFICER)
    assert unsigned.value.rule == "countersignature-required"
    content_hash = app.get_request(request_id).content_hash
    app.countersign(request_id, content_hash, NOW, HEAD)
    app.decide(request_id, Decision(**REFUSE), NOW + timedelta(hours=1), DISCLOSURE_OFFICER)
    assert app.get_request(request_id).status == "decided"
