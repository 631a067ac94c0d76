"""A pupil at risk, absent or missing: decided at once, confirmed in writing within 24 h."""

from datetime import date, timedelta
from uuid import UUID

import pytest

from services.disclosure.application import DisclosureApplication
from services.disclosure.domain.decision import Decision
from services.disclosure.tests.conftest import (
    DISCLOSURE_OFFICER,
    FULL,
    HEAD,
    NOW,
    OFFICER,
    RELEASE,
    register_of,
    routine_form,
    submit,
)
from services.disclosure.views.queue import overdue_confirmations, work_queue
from services.runtime.domain import RuleViolation, StateConflict

WRITTEN = {
    "requesting_officer": "DC 456 B. Officer, Missing Persons Unit",
    "necessity": "The pupil is 13 and has not been seen since Friday",
    "lawful_basis": "children_act_1989_s47",
}
CONTACT = {**RELEASE, "categories_shared": ["contact_details"]}


def test_an_urgent_request_goes_straight_to_decision_and_release(
    app: DisclosureApplication, given_urgent_request: UUID
) -> None:
    # When the disclosure officer decides within the hour, before the written form
    app.decide(given_urgent_request, Decision(**FULL), NOW + timedelta(hours=1), DISCLOSURE_OFFICER)
    app.record_release(
        given_urgent_request, dict(CONTACT), NOW + timedelta(hours=1), DISCLOSURE_OFFICER
    )

    # Then the information is out, and the written confirmation is still owed
    request = app.get_request(given_urgent_request)
    assert request.status == "released"
    assert request.written_at is None


def test_the_written_confirmation_completes_the_pro_forma(
    app: DisclosureApplication, given_urgent_request: UUID
) -> None:
    # When the officer confirms in writing the next morning
    at = NOW + timedelta(hours=20)
    app.confirm_in_writing(given_urgent_request, dict(WRITTEN), at, OFFICER)

    # Then the request is in writing and the head teacher can countersign it
    request = app.get_request(given_urgent_request)
    assert (request.written_at, request.missing_fields) == (at, [])
    app.countersign(given_urgent_request, request.content_hash, at, HEAD)


def test_a_confirmation_must_complete_the_form(
    app: DisclosureApplication, given_urgent_request: UUID
) -> None:
    with pytest.raises(RuleViolation) as refused:
        app.confirm_in_writing(given_urgent_request, {"necessity": "x"}, NOW, OFFICER)
    assert (refused.value.rule, refused.value.field) == (
        "pro-forma-incomplete",
        "requesting_officer",
    )


def test_after_the_decision_the_confirmation_only_fills_gaps(
    app: DisclosureApplication, given_urgent_request: UUID
) -> None:
    app.decide(given_urgent_request, Decision(**FULL), NOW + timedelta(hours=1), DISCLOSURE_OFFICER)
    changes = {**WRITTEN, "purpose": "A different purpose"}
    with pytest.raises(StateConflict) as refused:
        app.confirm_in_writing(given_urgent_request, changes, NOW + timedelta(hours=2), OFFICER)
    assert (refused.value.rule, refused.value.field) == ("decided-request-is-final", "purpose")


def test_an_urgent_request_is_not_closed_before_its_written_confirmation(
    app: DisclosureApplication, given_urgent_request: UUID
) -> None:
    app.decide(given_urgent_request, Decision(**FULL), NOW + timedelta(hours=1), DISCLOSURE_OFFICER)
    app.record_release(
        given_urgent_request, dict(CONTACT), NOW + timedelta(hours=1), DISCLOSURE_OFFICER
    )
    with pytest.raises(StateConflict) as refused:
        app.close_request(
            given_urgent_request, date(2032, 1, 1), NOW + timedelta(hours=2), DISCLOSURE_OFFICER
        )
    assert refused.value.rule == "written-confirmation-outstanding"


def test_the_queue_puts_urgent_first_and_shows_a_breached_deadline(
    app: DisclosureApplication,
) -> None:
    # Given a routine request from last week and an urgent one this morning
    routine = submit(app, routine_form(), NOW - timedelta(days=7))
    urgent = submit(app, routine_form(urgency="urgent", urgent_reason="pupil_at_risk"))
    entries = register_of(app, "waltham-forest")

    # When the queue is read within the deadline, then after it
    early = work_queue(entries, NOW + timedelta(hours=1))
    late = work_queue(entries, NOW + timedelta(hours=5))

    # Then the urgent request comes first, due four hours after submission
    assert [i.id for i in early] == [urgent, routine]
    assert early[0].decision_due == NOW + timedelta(hours=4)
    assert not early[0].deadline_breached
    # And once four hours have passed undecided, the breach is visible
    assert late[0].deadline_breached
    # And the routine request waits for the head teacher
    assert (early[1].next_step, early[1].blockers) == (
        "await_countersignature",
        ["countersignature by the head teacher"],
    )


def test_overdue_written_confirmations_are_listed(
    app: DisclosureApplication, given_urgent_request: UUID
) -> None:
    # Given an urgent request in writing already and one still owed
    submit(app, routine_form(urgency="urgent", urgent_reason="pupil_absent"))

    # Then only the one owed is overdue, and only after 24 hours
    assert (
        overdue_confirmations(register_of(app, "waltham-forest"), NOW + timedelta(hours=23)) == []
    )
    overdue = overdue_confirmations(register_of(app, "waltham-forest"), NOW + timedelta(hours=25))
    assert [i.id for i in overdue] == [given_urgent_request]
    assert overdue[0].confirmation_overdue
    # And it drops off once confirmed
    app.confirm_in_writing(given_urgent_request, dict(WRITTEN), NOW + timedelta(hours=26), OFFICER)
    assert (
        overdue_confirmations(register_of(app, "waltham-forest"), NOW + timedelta(hours=27)) == []
    )
