"""The absence aggregate: an officer's absence notified to the school, and its notice."""

from datetime import date, datetime

from eventsourcing.domain import Aggregate, event
from ssp_contracts.events.staffing import AbsenceKind

from services.runtime.domain import Actor, RuleViolation

# Sickness cannot be foreseen, so it is never flagged as late.
UNFORESEEABLE = frozenset({"sickness"})


def is_late(kind: str, notice_days: int, minimum_notice_days: int) -> bool:
    """Whether a foreseeable absence was told with less notice than the borough asks for."""
    return kind not in UNFORESEEABLE and notice_days < minimum_notice_days


class Absence(Aggregate):
    """A future (or current) absence of an officer, as told to the schools they serve."""

    class Notified(Aggregate.Created):
        officer_id: str
        borough: str
        school_ids: list[str]
        kind: AbsenceKind
        starts_on: date
        ends_on: date
        notified_at: datetime
        minimum_notice_days: int
        actor: Actor

    @classmethod
    def notify(
        cls,
        *,
        officer_id: str,
        borough: str,
        school_ids: list[str],
        kind: AbsenceKind,
        starts_on: date,
        ends_on: date,
        notified_at: datetime,
        minimum_notice_days: int,
        now: datetime,
        actor: Actor,
    ) -> "Absence":
        """Record the notice of an absence; late notice is flagged, not refused."""
        if ends_on < starts_on:
            raise RuleViolation(
                "absence-ends-after-start", "ends_on must not be before starts_on", "ends_on"
            )
        if notified_at > now:
            raise RuleViolation(
                "notified-not-in-future", "notified_at must not be in the future", "notified_at"
            )
        return cls(
            officer_id,
            borough,
            school_ids,
            kind,
            starts_on,
            ends_on,
            notified_at,
            minimum_notice_days,
            actor,
        )

    @event(Notified)
    def __init__(
        self,
        officer_id: str,
        borough: str,
        school_ids: list[str],
        kind: AbsenceKind,
        starts_on: date,
        ends_on: date,
        notified_at: datetime,
        minimum_notice_days: int,
        actor: Actor,
    ) -> None:
        self.officer_id = officer_id
        self.borough = borough
        self.school_ids = list(school_ids)
        self.kind = kind
        self.starts_on = starts_on
        self.ends_on = ends_on
        self.notified_at = notified_at
        self.minimum_notice_days = minimum_notice_days

    @property
    def notice_days(self) -> int:
        """Whole days between the notice and the first day of absence."""
        return (self.starts_on - self.notified_at.date()).days

    @property
    def late_notice(self) -> bool:
        """Told with less notice than the borough asks for."""
        return is_late(self.kind, self.notice_days, self.minimum_notice_days)
