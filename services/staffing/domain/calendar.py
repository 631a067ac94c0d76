"""The term calendar of a borough: term dates and the school holidays inside them."""

from datetime import date, timedelta
from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from services.runtime.domain import Actor, RuleViolation
from services.staffing.domain.common import natural_id

# A holiday as stored: {"starts_on": date, "ends_on": date, "kind": str}
Holiday = dict[str, Any]


def check_calendar(starts_on: date, ends_on: date, holidays: list[Holiday]) -> None:
    """Term dates in order; every holiday in order and inside the term."""
    if ends_on <= starts_on:
        raise RuleViolation("term-ends-after-start", "ends_on must be after starts_on", "ends_on")
    if (ends_on - starts_on).days > 130:
        raise RuleViolation("term-length", "a term lasts at most 130 days", "ends_on")
    for i, holiday in enumerate(holidays):
        if holiday["ends_on"] < holiday["starts_on"]:
            raise RuleViolation(
                "holiday-ends-after-start", "a holiday ends on or after its start", f"holidays.{i}"
            )
        if holiday["starts_on"] < starts_on or holiday["ends_on"] > ends_on:
            raise RuleViolation(
                "holiday-inside-term", "a holiday must fall inside the term", f"holidays.{i}"
            )


class TermCalendar(Aggregate):
    """One term of one borough; revising it leaves rosters already planned unchanged."""

    class Published(Aggregate.Created):
        borough: str
        term: str
        starts_on: date
        ends_on: date
        holidays: list[Holiday]
        actor: Actor

    class Revised(Aggregate.Event):
        borough: str
        term: str
        starts_on: date
        ends_on: date
        holidays: list[Holiday]
        actor: Actor

    @staticmethod
    def create_id(borough: str, term: str) -> UUID:
        """Aggregate id of ``borough``'s calendar of ``term``."""
        return natural_id("calendar", borough, term)

    @classmethod
    def publish(
        cls,
        borough: str,
        term: str,
        starts_on: date,
        ends_on: date,
        holidays: list[Holiday],
        actor: Actor,
    ) -> "TermCalendar":
        """A new term calendar."""
        check_calendar(starts_on, ends_on, holidays)
        return cls(borough, term, starts_on, ends_on, holidays, actor)

    @event(Published)
    def __init__(
        self,
        borough: str,
        term: str,
        starts_on: date,
        ends_on: date,
        holidays: list[Holiday],
        actor: Actor,
    ) -> None:
        self.borough = borough
        self.term = term
        self._set(starts_on, ends_on, holidays)

    def revise(self, starts_on: date, ends_on: date, holidays: list[Holiday], actor: Actor) -> None:
        """Replace the term dates and holidays."""
        check_calendar(starts_on, ends_on, holidays)
        self._revise(self.borough, self.term, starts_on, ends_on, holidays, actor)

    @event(Revised)
    def _revise(
        self,
        borough: str,
        term: str,
        starts_on: date,
        ends_on: date,
        holidays: list[Holiday],
        actor: Actor,
    ) -> None:
        self._set(starts_on, ends_on, holidays)

    def _set(self, starts_on: date, ends_on: date, holidays: list[Holiday]) -> None:
        self.starts_on = starts_on
        self.ends_on = ends_on
        self.holidays = [dict(h) for h in holidays]

    def contains(self, day: date) -> bool:
        """Whether ``day`` falls within the term dates."""
        return self.starts_on <= day <= self.ends_on

    def is_holiday(self, day: date) -> bool:
        """Whether ``day`` is a school holiday of the term."""
        return any(h["starts_on"] <= day <= h["ends_on"] for h in self.holidays)

    def school_days(self, weekdays: set[int]) -> list[date]:
        """Days of the term on the given weekdays (0 = Monday) that are not holidays."""
        days, day = [], self.starts_on
        while day <= self.ends_on:
            if day.weekday() in weekdays and not self.is_holiday(day):
                days.append(day)
            day += timedelta(days=1)
        return days
