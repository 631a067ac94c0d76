"""Protocol hours of a school: when the school officer, not response officers, deals."""

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time

from eventsourcing.domain import Aggregate, event
from ssp_contracts.events.incidents import Weekday

from services.runtime.clock import LONDON
from services.runtime.domain import Actor, RuleViolation

NAMESPACE = uuid.UUID("0b1c8f3e-94a4-4b8a-a7a4-0f6f3c1d2e01")


@dataclass(frozen=True)
class ProtocolHours:
    """Hours on school days, London local time; the protocol's default is 08:00-16:00."""

    starts: time = time(8, 0)
    ends: time = time(16, 0)
    school_days: tuple[Weekday, ...] = (1, 2, 3, 4, 5)
    closed_dates: frozenset[date] = field(default_factory=frozenset)

    def covers(self, moment: datetime) -> bool:
        """Whether ``moment`` (timezone-aware) falls inside protocol hours."""
        local = moment.astimezone(LONDON)
        if local.isoweekday() not in self.school_days or local.date() in self.closed_dates:
            return False
        return self.starts <= local.time().replace(tzinfo=None) < self.ends


DEFAULT_HOURS = ProtocolHours()


def hours_id(school_id: str) -> uuid.UUID:
    """Id of a school's protocol-hours record: one per school."""
    return uuid.uuid5(NAMESPACE, school_id)


def check_hours(starts: time, ends: time, school_days: Sequence[int]) -> None:
    """Hours must form a window on at least one weekday."""
    if starts >= ends:
        raise RuleViolation("protocol-hours", "starts must be before ends", "starts")
    if not school_days or any(d not in range(1, 8) for d in school_days):
        raise RuleViolation(
            "protocol-hours", "school_days must list ISO weekdays 1 (Monday) to 7", "school_days"
        )


class SchoolHours(Aggregate):
    """A school's protocol hours, as set by its head teacher or a borough supervisor."""

    class Set(Aggregate.Created):
        school_id: str
        starts: time
        ends: time
        school_days: list[Weekday]
        closed_dates: list[date]
        actor: Actor

    class Changed(Aggregate.Event):
        school_id: str
        starts: time
        ends: time
        school_days: list[Weekday]
        closed_dates: list[date]
        actor: Actor

    @classmethod
    def create_id(cls, school_id: str) -> uuid.UUID:
        return hours_id(school_id)

    @event(Set)
    def __init__(
        self,
        school_id: str,
        starts: time,
        ends: time,
        school_days: list[Weekday],
        closed_dates: list[date],
        actor: Actor,
    ) -> None:
        self.school_id = school_id
        self._assign(starts, ends, school_days, closed_dates)

    def change(
        self,
        starts: time,
        ends: time,
        school_days: list[Weekday],
        closed_dates: list[date],
        actor: Actor,
    ) -> None:
        """Replace the hours from now on; incidents already recorded keep their marking."""
        self._changed(self.school_id, starts, ends, school_days, closed_dates, actor)

    @event(Changed)
    def _changed(
        self,
        school_id: str,
        starts: time,
        ends: time,
        school_days: list[Weekday],
        closed_dates: list[date],
        actor: Actor,
    ) -> None:
        self._assign(starts, ends, school_days, closed_dates)

    def _assign(
        self, starts: time, ends: time, school_days: list[Weekday], closed_dates: list[date]
    ) -> None:
        self.hours = ProtocolHours(
            starts, ends, tuple(sorted(set(school_days))), frozenset(closed_dates)
        )
