"""Submitting a request: a routine one carries every pro forma field."""

import pytest

from services.disclosure.application import DisclosureApplication
from services.disclosure.tests.conftest import FOUR_HOURS, NOW, routine_form, submit, urgent_form
from services.runtime.domain import RuleViolation


def test_a_complete_routine_request_is_recorded_in_writing(app: DisclosureApplication) -> None:
    # When the officer submits the whole pro forma
    request_id = submit(app, routine_form())

    # Then the request is in writing, awaiting the head teacher, with no deadline
    request = app.get_request(request_id)
    assert request.status == "submitted"
    assert request.written_at == NOW
    assert request.missing_fields == []
    assert request.countersignature_required
    assert request.signature is None
    assert request.decision_due is None and request.confirmation_due is None
    assert request.requested_by == "officer-1"


@pytest.mark.parametrize("field", ["requesting_officer", "categories", "purpose", "necessity"])
def test_a_routine_request_missing_a_pro_forma_field_is_refused(
    app: DisclosureApplication, field: str
) -> None:
    # When the officer leaves one pro forma field empty
    with pytest.raises(RuleViolation) as refused:
        submit(app, routine_form(**{field: None}))

    # Then the refusal names the rule and the field, and nothing is recorded
    assert refused.value.rule == "pro-forma-incomplete"
    assert refused.value.field == field
    assert app.recorder.max_notification_id() in (None, 0)


def test_an_urgent_request_needs_its_reason(app: DisclosureApplication) -> None:
    with pytest.raises(RuleViolation) as refused:
        submit(app, urgent_form(urgent_reason=None))
    assert (refused.value.rule, refused.value.field) == ("urgent-reason-required", "urgent_reason")


def test_a_routine_request_carries_no_urgent_reason(app: DisclosureApplication) -> None:
    with pytest.raises(RuleViolation) as refused:
        submit(app, routine_form(urgent_reason="pupil_at_risk"))
    assert refused.value.field == "urgent_reason"


def test_the_urgent_path_is_for_pupils_only(app: DisclosureApplication) -> None:
    with pytest.raises(RuleViolation) as refused:
        submit(app, urgent_form(subject_ref="person-0123456789abcdef"))
    assert (refused.value.rule, refused.value.field) == ("urgent-path-is-for-pupils", "subject_ref")


def test_an_urgent_request_may_be_incomplete_and_carries_its_deadlines(
    app: DisclosureApplication,
) -> None:
    # When a missing pupil is reported by telephone with most of the form to follow
    request = app.get_request(submit(app, urgent_form()))

    # Then it is recorded, not yet in writing, with a 4 h decision and 24 h confirmation due
    assert request.written_at is None
    assert request.missing_fields == ["requesting_officer", "necessity", "lawful_basis"]
    assert request.decision_due == NOW + FOUR_HOURS
    assert request.confirmation_due is not None
    assert (request.confirmation_due - NOW).total_seconds() == 24 * 3600


def test_a_request_about_an_adult_needs_the_head_teachers_signature_too(
    app: DisclosureApplication,
) -> None:
    # "The head teacher, as signatory to this protocol must sign the request for disclosure."
    request = app.get_request(submit(app, routine_form(subject_ref="person-0123456789abcdef")))
    assert request.countersignature_required
