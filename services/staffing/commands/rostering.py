"""Roster and abstraction commands of the staffing application."""

from datetime import date, datetime, time
from typing import Any
from uuid import UUID, uuid4

from ssp_contracts.events.staffing import AbstractionCategory

from services.runtime.domain import Actor, RuleViolation, StateConflict
from services.staffing.domain.calendar import TermCalendar
from services.staffing.domain.officer import Officer
from services.staffing.domain.roster import Roster, Shift
from services.staffing.views.queries import StaffingQueries

SCHOOL_WEEK = (0, 1, 2, 3, 4)


class RosterCommands(StaffingQueries):
    """Plan shifts for a term, edit them one by one, and record abstractions from them."""

    def serving_officer(self, officer_id: str) -> Officer:
        """The officer, who must serve at least one school."""
        officer = self.get_officer(officer_id)
        if not officer.school_ids:
            raise StateConflict("officer-deployed", "the officer serves no school", "officer_id")
        return officer

    def calendar_for(self, borough: str, term: str) -> TermCalendar:
        """The borough's calendar of ``term``; 422 when none was published."""
        if not self.exists(TermCalendar.create_id(borough, term)):
            raise RuleViolation(
                "term-calendar-published", f"{borough} has no calendar for {term}", "term"
            )
        return self.get_calendar(borough, term)

    def pattern_shifts(
        self,
        calendar: TermCalendar,
        weekdays: tuple[int, ...] | list[int],
        start: time | None,
        hours: float | None,
    ) -> list[Shift]:
        """Shifts on the pattern's weekdays of the term, skipping the school holidays."""
        start = start or self.config.shift_start
        hours = hours or self.config.shift_hours
        days = calendar.school_days(set(weekdays))
        return [{"date": d, "start": start, "hours": hours} for d in days]

    def generate_roster(
        self,
        officer_id: str,
        term: str,
        weekdays: list[int] | None,
        start: time | None,
        hours: float | None,
        actor: Actor,
    ) -> UUID:
        """Plan an officer's term from a weekly pattern that follows the school day."""
        officer = self.serving_officer(officer_id)
        self.check_new(Roster.create_id(officer_id, term), "term", "roster")
        calendar = self.calendar_for(officer.borough, term)
        shifts = self.pattern_shifts(calendar, weekdays or SCHOOL_WEEK, start, hours)
        roster = Roster.plan(
            officer_id=officer_id, calendar=calendar, school_ids=officer.school_ids,
            shifts=shifts, imported=False, actor=actor,
        )  # fmt: skip
        self.save(roster)
        return roster.id

    def amend_shift(
        self,
        officer_id: str,
        term: str,
        day: date,
        start: time | None,
        hours: float | None,
        actor: Actor,
    ) -> UUID:
        """Plan or change one shift of a roster."""
        roster = self.get_roster(officer_id, term)
        calendar = self.get_calendar(roster.borough, term)
        current = roster.shifts.get(day, {})
        start = start or current.get("start") or self.config.shift_start
        hours = hours or current.get("hours") or self.config.shift_hours
        roster.amend_shift(calendar, day, start, hours, actor)
        self.save(roster)
        return roster.id

    def cancel_shift(self, officer_id: str, term: str, day: date, actor: Actor) -> UUID:
        """Remove one shift of a roster."""
        roster = self.get_roster(officer_id, term)
        roster.cancel_shift(day, actor)
        self.save(roster)
        return roster.id

    def record_abstraction(
        self,
        officer_id: str,
        *,
        shift_date: date,
        hours: float | None,
        category: AbstractionCategory,
        authorised_by: str,
        exceptional: bool,
        school_notified_at: datetime | None,
        note: str,
        now: datetime,
        actor: Actor,
    ) -> UUID:
        """Record an officer taken off school duty; breaches a ring-fence unless exceptional."""
        officer = self.get_officer(officer_id)
        term = self.term_of(officer.borough, shift_date)
        if term is None or not self.exists(Roster.create_id(officer_id, term)):
            raise RuleViolation(
                "rostered-shift", f"no roster covers {shift_date} for {officer_id}", "shift_date"
            )
        roster = self.get_roster(officer_id, term)
        details: dict[str, Any] = {
            "shift_date": shift_date, "hours": hours, "category": category,
            "authorised_by": authorised_by, "exceptional": exceptional,
            "school_notified_at": school_notified_at, "note": note,
            "school_ids": officer.school_ids or roster.school_ids, "rank": officer.rank,
        }  # fmt: skip
        abstraction_id = uuid4()
        roster.abstract(
            abstraction_id=abstraction_id, details=details,
            ring_fenced_from=officer.ring_fenced_on(shift_date), now=now, actor=actor,
        )  # fmt: skip
        self.save(roster)
        return abstraction_id
