"""Release only after a decision to disclose, recording exactly what went to whom."""

from datetime import timedelta
from uuid import UUID

import pytest

from services.disclosure.application import DisclosureApplication
from services.disclosure.domain.rules import NotEntitled
from services.disclosure.tests.conftest import (
    DISCLOSURE_OFFICER,
    NOW,
    OTHER_BOROUGH_OFFICER,
    RELEASE,
)
from services.runtime.domain import RuleViolation, StateConflict
from services.runtime.subjects import reveal

LATER = NOW + timedelta(hours=3)


def test_the_release_records_what_to_whom_when_how_and_by_whom(
    app: DisclosureApplication, given_part_disclosure: UUID
) -> None:
    # When the disclosure officer records the release
    app.record_release(given_part_disclosure, dict(RELEASE), LATER, DISCLOSURE_OFFICER)

    # Then the record says exactly what was shared
    request = app.get_request(given_part_disclosure)
    assert request.status == "released"
    # (what was shared is sealed under the subject's key: opened as the API shows it)
    record = reveal(app.subjects, request.release_record or {})
    assert record == {**RELEASE, "released_at": LATER, "released_by": "do-1"}


def test_no_release_before_a_decision(
    app: DisclosureApplication, given_signed_request: UUID
) -> None:
    with pytest.raises(StateConflict) as refused:
        app.record_release(given_signed_request, dict(RELEASE), LATER, DISCLOSURE_OFFICER)
    assert refused.value.rule == "release-before-decision"
    assert refused.value.status_code == 409
    assert app.get_request(given_signed_request).release_record is None


def test_no_release_after_a_refusal(
    app: DisclosureApplication, given_refused_request: UUID
) -> None:
    with pytest.raises(StateConflict) as refused:
        app.record_release(given_refused_request, dict(RELEASE), LATER, DISCLOSURE_OFFICER)
    assert refused.value.rule == "decision-was-refusal"


def test_a_withheld_category_is_not_released(
    app: DisclosureApplication, given_part_disclosure: UUID
) -> None:
    release = {**RELEASE, "categories_shared": ["offending_history", "safeguarding_concerns"]}
    with pytest.raises(RuleViolation) as refused:
        app.record_release(given_part_disclosure, release, LATER, DISCLOSURE_OFFICER)
    assert (refused.value.rule, refused.value.field) == (
        "category-not-disclosed",
        "categories_shared",
    )


@pytest.mark.parametrize("when", [NOW + timedelta(hours=1), NOW + timedelta(hours=4)])
def test_the_release_time_lies_between_decision_and_now(
    app: DisclosureApplication, given_part_disclosure: UUID, when: object
) -> None:
    # The decision was taken at NOW + 2 h; "now" is NOW + 3 h
    with pytest.raises(RuleViolation) as refused:
        app.record_release(
            given_part_disclosure, {**RELEASE, "released_at": when}, LATER, DISCLOSURE_OFFICER
        )
    assert refused.value.field == "released_at"


def test_released_once(app: DisclosureApplication, given_released_request: UUID) -> None:
    with pytest.raises(StateConflict) as refused:
        app.record_release(given_released_request, dict(RELEASE), LATER, DISCLOSURE_OFFICER)
    assert refused.value.rule == "already-released"


def test_only_a_disclosure_officer_of_the_borough_releases(
    app: DisclosureApplication, given_part_disclosure: UUID
) -> None:
    with pytest.raises(NotEntitled):
        app.record_release(given_part_disclosure, dict(RELEASE), LATER, OTHER_BOROUGH_OFFICER)
