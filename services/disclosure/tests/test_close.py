"""Closing a finished request with the date its record is reviewed."""

from datetime import date, timedelta
from uuid import UUID

import pytest

from services.disclosure.application import DisclosureApplication
from services.disclosure.tests.conftest import DISCLOSURE_OFFICER, NOW, RELEASE
from services.runtime.domain import RuleViolation, StateConflict

LATER = NOW + timedelta(days=1)
REVIEW = date(2032, 11, 24)


def test_a_released_request_is_closed_with_its_retention_review(
    app: DisclosureApplication, given_released_request: UUID
) -> None:
    app.close_request(given_released_request, REVIEW, LATER, DISCLOSURE_OFFICER)
    request = app.get_request(given_released_request)
    assert (request.status, request.closed_at, request.retention_review_on) == (
        "closed",
        LATER,
        REVIEW,
    )


def test_a_refused_request_closes_without_a_release(
    app: DisclosureApplication, given_refused_request: UUID
) -> None:
    app.close_request(given_refused_request, REVIEW, LATER, DISCLOSURE_OFFICER)
    assert app.get_request(given_refused_request).status == "closed"


def test_an_undecided_request_is_not_closed(
    app: DisclosureApplication, given_signed_request: UUID
) -> None:
    with pytest.raises(StateConflict):
        app.close_request(given_signed_request, REVIEW, LATER, DISCLOSURE_OFFICER)


def test_a_decision_to_disclose_is_carried_out_before_closure(
    app: DisclosureApplication, given_part_disclosure: UUID
) -> None:
    with pytest.raises(StateConflict) as refused:
        app.close_request(given_part_disclosure, REVIEW, LATER, DISCLOSURE_OFFICER)
    assert refused.value.rule == "release-outstanding"


def test_the_review_date_lies_after_closure(
    app: DisclosureApplication, given_refused_request: UUID
) -> None:
    with pytest.raises(RuleViolation) as refused:
        app.close_request(given_refused_request, LATER.date(), LATER, DISCLOSURE_OFFICER)
    assert refused.value.field == "retention_review_on"


def test_a_closed_request_is_a_record_only(
    app: DisclosureApplication, given_refused_request: UUID
) -> None:
    # Given a closed request
    app.close_request(given_refused_request, REVIEW, LATER, DISCLOSURE_OFFICER)

    # Then nothing more happens to it
    with pytest.raises(StateConflict) as refused:
        app.record_release(given_refused_request, dict(RELEASE), LATER, DISCLOSURE_OFFICER)
    assert refused.value.rule == "request-closed"
    with pytest.raises(StateConflict):
        app.close_request(given_refused_request, REVIEW, LATER, DISCLOSURE_OFFICER)
