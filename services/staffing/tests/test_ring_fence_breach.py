"""An abstraction of a ring-fenced officer that is not exceptional is a ring-fence breach."""

from datetime import UTC, date, datetime
from typing import Any
from uuid import UUID

import pytest

from services.runtime.domain import RuleViolation, StateConflict
from services.staffing.application import StaffingApplication
from services.staffing.domain.roster import Roster
from services.staffing.tests.conftest import SUPERVISOR, TERM

NOW = datetime(2025, 12, 20, 9, 0, tzinfo=UTC)


def abstract(app: StaffingApplication, day: date, exceptional: bool = False) -> UUID:
    return app.record_abstraction(
        "pc-1234",
        shift_date=day,
        hours=None,
        category="aid_central",
        authorised_by="insp-9",
        exceptional=exceptional,
        school_notified_at=None,
        note="",
        now=NOW,
        actor=SUPERVISOR,
    )


def events_of(app: StaffingApplication, kind: type) -> list[Any]:
    roster_id = Roster.create_id("pc-1234", TERM)
    return [e for e in app.repository.event_store.get(roster_id) if isinstance(e, kind)]


@pytest.fixture
def given_ring_fenced_officer(app: StaffingApplication, given_rostered_officer: UUID) -> None:
    """The rostered officer ring-fenced from 1 October 2025 on the inspector's authority."""
    app.ring_fence("pc-1234", date(2025, 10, 1), "insp-9", SUPERVISOR)


def test_abstracting_a_ring_fenced_officer_is_a_breach(
    app: StaffingApplication, given_ring_fenced_officer: None
) -> None:
    # When the ring-fenced officer is sent to central aid on 8 October
    abstraction_id = abstract(app, date(2025, 10, 8))
    # Then the abstraction and a breach of the ring-fence are both recorded
    (breach,) = events_of(app, Roster.RingFenceBreached)
    assert breach.abstraction_id == abstraction_id
    assert breach.ring_fenced_from == date(2025, 10, 1)
    (recorded,) = events_of(app, Roster.Abstracted)
    assert recorded.details["ring_fenced"] is True
    assert recorded.details["hours"] == 8.0


def test_an_exceptional_abstraction_is_no_breach(
    app: StaffingApplication, given_ring_fenced_officer: None
) -> None:
    # When the officer is needed for a major emergency
    abstract(app, date(2025, 10, 8), exceptional=True)
    # Then the abstraction is recorded without a breach
    assert len(events_of(app, Roster.Abstracted)) == 1
    assert events_of(app, Roster.RingFenceBreached) == []


@pytest.mark.parametrize("day", [date(2025, 9, 30), date(2025, 11, 10)])
def test_outside_the_ring_fence_an_abstraction_is_no_breach(
    app: StaffingApplication, given_ring_fenced_officer: None, day: date
) -> None:
    # Given the ring-fence (from 1 October) is lifted on 3 November
    app.lift_ring_fence("pc-1234", date(2025, 11, 3), "operational_need", "", SUPERVISOR)
    # When the officer is abstracted before it began or after it was lifted
    abstract(app, day)
    # Then there is no breach
    assert events_of(app, Roster.RingFenceBreached) == []
    (recorded,) = events_of(app, Roster.Abstracted)
    assert recorded.details["ring_fenced"] is False


def test_a_ring_fence_is_lifted_only_once_and_after_it_began(
    app: StaffingApplication, given_ring_fenced_officer: None
) -> None:
    with pytest.raises(RuleViolation) as refused:
        app.lift_ring_fence("pc-1234", date(2025, 10, 1), "review", "", SUPERVISOR)
    assert refused.value.field == "lifted_on"
    app.lift_ring_fence("pc-1234", date(2025, 11, 3), "review", "", SUPERVISOR)
    with pytest.raises(StateConflict):
        app.lift_ring_fence("pc-1234", date(2025, 11, 4), "review", "", SUPERVISOR)


def test_an_officer_is_ring_fenced_once_at_a_time(
    app: StaffingApplication, given_ring_fenced_officer: None
) -> None:
    with pytest.raises(StateConflict) as refused:
        app.ring_fence("pc-1234", date(2025, 10, 2), "insp-9", SUPERVISOR)
    assert refused.value.rule == "ring-fence-once"
