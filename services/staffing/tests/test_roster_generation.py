"""Rosters follow the school day, skip weekends and the borough's holidays, and are editable."""

from datetime import date, time, timedelta
from uuid import UUID

import pytest

from services.runtime.domain import RuleViolation, StateConflict
from services.staffing.application import StaffingApplication
from services.staffing.tests.conftest import SUPERVISOR, TERM

HALF_TERM = {date(2025, 10, 27) + timedelta(days=n) for n in range(5)}


def test_a_term_is_planned_on_school_days_only(
    app: StaffingApplication, given_rostered_officer: UUID
) -> None:
    roster = app.get_roster("pc-1234", TERM)
    days = set(roster.shifts)
    # Then every shift is on a weekday of the term, none in half term
    assert min(days) == date(2025, 9, 3) and max(days) == date(2025, 12, 19)
    assert all(d.weekday() < 5 for d in days)
    assert not days & HALF_TERM
    # 16 weeks of term (3 Sep - 19 Dec) hold 78 weekdays, 5 of them half term
    assert len(days) == 73
    # And each shift is 8 hours from 08:00, the protocol's school day
    assert {(s["start"], s["hours"]) for s in roster.shifts.values()} == {(time(8), 8.0)}
    assert roster.rostered_hours == 73 * 8.0
    assert roster.school_ids == ["warwick-boys"]


def test_a_pattern_chooses_weekdays_start_and_hours(
    app: StaffingApplication, given_deployed_officer: UUID, given_term_calendar: None
) -> None:
    # When the officer works Tuesday to Thursday, 07:30 for 9 hours (breakfast club)
    app.generate_roster("pc-1234", TERM, [1, 2, 3], time(7, 30), 9.0, SUPERVISOR)
    roster = app.get_roster("pc-1234", TERM)
    assert {d.weekday() for d in roster.shifts} == {1, 2, 3}
    assert {(s["start"], s["hours"]) for s in roster.shifts.values()} == {(time(7, 30), 9.0)}


def test_a_term_without_a_calendar_cannot_be_planned(
    app: StaffingApplication, given_deployed_officer: UUID
) -> None:
    with pytest.raises(RuleViolation) as refused:
        app.generate_roster("pc-1234", "2026-spring", None, None, None, SUPERVISOR)
    assert (refused.value.rule, refused.value.field) == ("term-calendar-published", "term")


def test_a_term_is_planned_once_then_edited_shift_by_shift(
    app: StaffingApplication, given_rostered_officer: UUID
) -> None:
    with pytest.raises(StateConflict):
        app.generate_roster("pc-1234", TERM, None, None, None, SUPERVISOR)
    # When one shift starts later, one is added in half term for training, one is cancelled
    app.amend_shift("pc-1234", TERM, date(2025, 9, 3), time(10), None, SUPERVISOR)
    app.amend_shift("pc-1234", TERM, date(2025, 10, 28), None, 6.0, SUPERVISOR)
    app.cancel_shift("pc-1234", TERM, date(2025, 9, 4), SUPERVISOR)
    roster = app.get_roster("pc-1234", TERM)
    assert roster.shifts[date(2025, 9, 3)] == {
        "date": date(2025, 9, 3),
        "start": time(10),
        "hours": 8.0,
    }
    assert roster.shifts[date(2025, 10, 28)]["hours"] == 6.0
    assert date(2025, 9, 4) not in roster.shifts
    assert roster.rostered_hours == 73 * 8.0 + 6.0 - 8.0


def test_a_shift_outside_the_term_or_too_long_is_refused(
    app: StaffingApplication, given_rostered_officer: UUID
) -> None:
    with pytest.raises(RuleViolation) as outside:
        app.amend_shift("pc-1234", TERM, date(2026, 1, 5), None, None, SUPERVISOR)
    assert outside.value.rule == "shift-inside-term"
    with pytest.raises(RuleViolation) as too_long:
        app.amend_shift("pc-1234", TERM, date(2025, 9, 3), None, 13.0, SUPERVISOR)
    assert too_long.value.rule == "shift-hours"


def test_holidays_must_fall_inside_the_term(app: StaffingApplication) -> None:
    with pytest.raises(RuleViolation) as refused:
        app.set_term_calendar(
            "waltham-forest",
            "2026-spring",
            date(2026, 1, 5),
            date(2026, 3, 27),
            [{"starts_on": date(2026, 3, 30), "ends_on": date(2026, 4, 10), "kind": "other"}],
            SUPERVISOR,
        )
    assert (refused.value.rule, refused.value.field) == ("holiday-inside-term", "holidays.0")
