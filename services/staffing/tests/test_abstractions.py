"""Abstractions take hours off a rostered shift, never more than the shift has left."""

from datetime import UTC, date, datetime
from typing import Any
from uuid import UUID

import pytest

from services.runtime.domain import RuleViolation, StateConflict
from services.staffing.application import StaffingApplication
from services.staffing.tests.conftest import SUPERVISOR, TERM

NOW = datetime(2025, 9, 10, 18, 0, tzinfo=UTC)


def abstract(app: StaffingApplication, day: date, hours: float | None, **extra: object) -> UUID:
    details: dict[str, Any] = {
        "category": "court",
        "authorised_by": "insp-9",
        "exceptional": False,
        "school_notified_at": None,
        "note": "",
        **extra,
    }
    return app.record_abstraction(
        "pc-1234",
        shift_date=day,
        hours=hours,
        now=NOW,
        actor=SUPERVISOR,
        **details,
    )


def test_hours_are_taken_from_the_shift_until_none_are_left(
    app: StaffingApplication, given_rostered_officer: UUID
) -> None:
    # When the officer spends 3 hours at court, then the rest of the day in the control room
    abstract(app, date(2025, 9, 10), 3.0)
    abstract(app, date(2025, 9, 10), None, category="control_room")
    roster = app.get_roster("pc-1234", TERM)
    # Then the whole 8-hour shift is abstracted, in two records
    assert roster.abstracted[date(2025, 9, 10)] == 8.0
    assert [(a["category"], a["hours"]) for a in roster.abstractions] == [
        ("court", 3.0),
        ("control_room", 5.0),
    ]
    # And no more hours can be taken that day
    with pytest.raises(RuleViolation) as refused:
        abstract(app, date(2025, 9, 10), 1.0)
    assert (refused.value.rule, refused.value.field) == ("abstraction-within-shift", "hours")


def test_an_abstraction_needs_a_rostered_shift(
    app: StaffingApplication, given_rostered_officer: UUID
) -> None:
    # Saturday, half term, and a day no calendar covers
    for day in (date(2025, 9, 13), date(2025, 10, 28), date(2026, 2, 2)):
        with pytest.raises(RuleViolation) as refused:
            abstract(app, day, None)
        assert (refused.value.rule, refused.value.field) == ("rostered-shift", "shift_date")


def test_the_school_cannot_be_told_in_the_future(
    app: StaffingApplication, given_rostered_officer: UUID
) -> None:
    with pytest.raises(RuleViolation) as refused:
        abstract(app, date(2025, 9, 10), None, school_notified_at=datetime(2025, 9, 11, tzinfo=UTC))
    assert refused.value.field == "school_notified_at"


def test_a_shift_with_abstractions_is_amended_not_cancelled(
    app: StaffingApplication, given_rostered_officer: UUID
) -> None:
    abstract(app, date(2025, 9, 10), 4.0)
    with pytest.raises(StateConflict):
        app.cancel_shift("pc-1234", TERM, date(2025, 9, 10), SUPERVISOR)
    with pytest.raises(StateConflict):
        app.amend_shift("pc-1234", TERM, date(2025, 9, 10), None, 3.0, SUPERVISOR)
    app.amend_shift("pc-1234", TERM, date(2025, 9, 10), None, 4.0, SUPERVISOR)
    assert app.get_roster("pc-1234", TERM).shifts[date(2025, 9, 10)]["hours"] == 4.0
