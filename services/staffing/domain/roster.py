"""The roster aggregate: an officer's planned shifts for a term, and abstractions from them."""

from datetime import date, datetime, time
from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from services.runtime.domain import Actor, RuleViolation, StateConflict
from services.staffing.domain.calendar import TermCalendar
from services.staffing.domain.common import natural_id

MIN_SHIFT_HOURS, MAX_SHIFT_HOURS = 1.0, 12.0
# A shift as stored: {"date": date, "start": time, "hours": float}
Shift = dict[str, Any]


def check_shift_hours(hours: float, field: str = "hours") -> None:
    """A planned shift lasts between 1 and 12 hours."""
    if not MIN_SHIFT_HOURS <= hours <= MAX_SHIFT_HOURS:
        raise RuleViolation(
            "shift-hours", f"a shift lasts {MIN_SHIFT_HOURS:g} to {MAX_SHIFT_HOURS:g} hours", field
        )


class Roster(Aggregate):
    """The shifts of one officer in one term; abstractions are recorded against them."""

    class Generated(Aggregate.Created):
        officer_id: str
        borough: str
        term: str
        school_ids: list[str]
        shifts: list[Shift]
        imported: bool
        actor: Actor

    class ShiftAmended(Aggregate.Event):
        roster: dict[str, Any]
        date: date
        start: time
        hours: float
        previous_hours: float
        actor: Actor

    class ShiftCancelled(Aggregate.Event):
        roster: dict[str, Any]
        date: date
        hours: float
        actor: Actor

    class Abstracted(Aggregate.Event):
        roster: dict[str, Any]
        abstraction_id: UUID
        details: dict[str, Any]
        actor: Actor

    class RingFenceBreached(Aggregate.Event):
        roster: dict[str, Any]
        abstraction_id: UUID
        details: dict[str, Any]
        ring_fenced_from: date
        actor: Actor

    @staticmethod
    def create_id(officer_id: str, term: str) -> UUID:
        """Aggregate id of ``officer_id``'s roster for ``term``."""
        return natural_id("roster", officer_id, term)

    @classmethod
    def plan(
        cls,
        *,
        officer_id: str,
        calendar: TermCalendar,
        school_ids: list[str],
        shifts: list[Shift],
        imported: bool,
        actor: Actor,
    ) -> "Roster":
        """A roster of the given shifts, each inside the term."""
        if not shifts:
            raise RuleViolation("roster-has-shifts", "the pattern yields no shifts", "weekdays")
        for shift in shifts:
            check_shift_hours(shift["hours"])
            if not calendar.contains(shift["date"]):
                raise RuleViolation(
                    "shift-inside-term", f"{shift['date']} is outside {calendar.term}", "date"
                )
        ordered = sorted(shifts, key=lambda s: s["date"])
        return cls(
            officer_id, calendar.borough, calendar.term, school_ids, ordered, imported, actor
        )

    @event(Generated)
    def __init__(
        self,
        officer_id: str,
        borough: str,
        term: str,
        school_ids: list[str],
        shifts: list[Shift],
        imported: bool,
        actor: Actor,
    ) -> None:
        self.officer_id = officer_id
        self.borough = borough
        self.term = term
        self.school_ids = list(school_ids)
        self.shifts: dict[date, Shift] = {s["date"]: dict(s) for s in shifts}
        self.abstracted: dict[date, float] = {}
        self.abstractions: list[dict[str, Any]] = []

    def amend_shift(
        self, calendar: TermCalendar, day: date, start: time, hours: float, actor: Actor
    ) -> None:
        """Plan or change the shift on ``day``."""
        check_shift_hours(hours)
        if not calendar.contains(day):
            raise RuleViolation("shift-inside-term", f"{day} is outside {self.term}", "date")
        if hours < self.abstracted.get(day, 0.0):
            raise StateConflict(
                "shift-covers-abstractions",
                f"{self.abstracted[day]:g} hours of this shift are already abstracted",
                "hours",
            )
        previous = self.shifts[day]["hours"] if day in self.shifts else 0.0
        self._amend_shift(self._keys(), day, start, hours, previous, actor)

    @event(ShiftAmended)
    def _amend_shift(
        self,
        roster: dict[str, Any],
        date: date,
        start: time,
        hours: float,
        previous_hours: float,
        actor: Actor,
    ) -> None:
        self.shifts[date] = {"date": date, "start": start, "hours": hours}

    def cancel_shift(self, day: date, actor: Actor) -> None:
        """Remove the shift on ``day``; not once time was abstracted from it."""
        self.check_shift(day, "date")
        if day in self.abstracted:
            raise StateConflict(
                "shift-without-abstractions",
                "abstractions are recorded against this shift; amend it instead",
                "date",
            )
        self._cancel_shift(self._keys(), day, self.shifts[day]["hours"], actor)

    @event(ShiftCancelled)
    def _cancel_shift(self, roster: dict[str, Any], date: date, hours: float, actor: Actor) -> None:
        del self.shifts[date]

    def check_shift(self, day: date, field: str) -> None:
        if day not in self.shifts:
            raise RuleViolation("rostered-shift", f"no shift is rostered on {day}", field)

    def abstract(
        self,
        *,
        abstraction_id: UUID,
        details: dict[str, Any],
        ring_fenced_from: date | None,
        now: datetime,
        actor: Actor,
    ) -> None:
        """Take the officer off school duty; a ring-fence breach unless exceptional."""
        day: date = details["shift_date"]
        self.check_shift(day, "shift_date")
        shift_hours = self.shifts[day]["hours"]
        left = shift_hours - self.abstracted.get(day, 0.0)
        hours = details.get("hours") or left
        if not 0 < hours <= left:
            raise RuleViolation(
                "abstraction-within-shift",
                f"{left:g} of the shift's {shift_hours:g} hours are left to abstract",
                "hours",
            )
        told = details.get("school_notified_at")
        if told is not None and told > now:
            raise RuleViolation(
                "notified-not-in-future", "must not be in the future", "school_notified_at"
            )
        recorded = {
            **details,
            "hours": hours,
            "shift_hours": shift_hours,
            "ring_fenced": ring_fenced_from is not None,
            "recorded_at": now,
        }
        self._abstract(self._keys(), abstraction_id, recorded, actor)
        if ring_fenced_from is not None and not details["exceptional"]:
            self._breach(self._keys(), abstraction_id, recorded, ring_fenced_from, actor)

    @event(Abstracted)
    def _abstract(
        self, roster: dict[str, Any], abstraction_id: UUID, details: dict[str, Any], actor: Actor
    ) -> None:
        day = details["shift_date"]
        self.abstracted[day] = self.abstracted.get(day, 0.0) + details["hours"]
        self.abstractions.append({"abstraction_id": abstraction_id, **details, "breach": False})

    @event(RingFenceBreached)
    def _breach(
        self,
        roster: dict[str, Any],
        abstraction_id: UUID,
        details: dict[str, Any],
        ring_fenced_from: date,
        actor: Actor,
    ) -> None:
        for item in self.abstractions:
            if item["abstraction_id"] == abstraction_id:
                item["breach"] = True

    def _keys(self) -> dict[str, Any]:
        # Events repeat who, where and when, so each maps to its contract on its own.
        return {
            "officer_id": self.officer_id,
            "borough": self.borough,
            "term": self.term,
            "school_ids": list(self.school_ids),
        }

    @property
    def rostered_hours(self) -> float:
        """Hours planned in the term."""
        return float(sum(s["hours"] for s in self.shifts.values()))
