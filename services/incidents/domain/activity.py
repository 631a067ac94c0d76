"""The officer's educational, preventive and partnership work, recorded as it happens."""

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID, uuid4

from eventsourcing.domain import Aggregate, event
from ssp_contracts.events.incidents import ActivityKind, ActivityWithdrawal, Partner

from services.incidents.domain.rules import check_not_future
from services.runtime.domain import Actor, RuleViolation, StateConflict

# Work that is with other agencies by its nature: recorded without one, it is not what it says.
NEEDS_PARTNER: frozenset[ActivityKind] = frozenset({"multi_agency_meeting", "home_visit"})


@dataclass(frozen=True)
class ActivityFacts:
    """What an officer records about one piece of work."""

    school_id: str
    officer_id: str
    kind: ActivityKind
    started_at: datetime
    minutes: int
    pupils_reached: int | None
    partners: tuple[Partner, ...]
    summary: str | None  # free text: stays in the service's encrypted store


class Activity(Aggregate):
    """One lesson, assembly, patrol, meeting or plan an officer carried out at a school."""

    class Recorded(Aggregate.Created):
        school_id: str
        officer_id: str
        kind: ActivityKind
        started_at: datetime
        minutes: int
        pupils_reached: int | None
        partners: list[Partner]
        summary: str | None
        actor: Actor

    class Withdrawn(Aggregate.Event):
        school_id: str
        reason: ActivityWithdrawal
        withdrawn_at: datetime
        actor: Actor

    @classmethod
    def record(
        cls, facts: ActivityFacts, *, now: datetime, actor: Actor, id: UUID | None = None
    ) -> "Activity":
        """A new activity; work with other agencies names at least one of them. ``id``: the
        id its summary was sealed for (record_keys), else a new one."""
        check_not_future(facts.started_at, now, "started_at")
        if not 5 <= facts.minutes <= 720:
            raise RuleViolation(
                "activity-minutes", "minutes must be between 5 and 720 (one working day)",
                "minutes",
            )  # fmt: skip
        partners = sorted(set(facts.partners))
        if facts.kind in NEEDS_PARTNER and not partners:
            raise RuleViolation(
                "activity-partners",
                f"a {facts.kind.replace('_', ' ')} is work with another agency: name it in"
                " partners",
                "partners",
            )
        summary = (facts.summary or "").strip() or None
        return cls._create(
            cls.Recorded, id=id or uuid4(), school_id=facts.school_id,
            officer_id=facts.officer_id, kind=facts.kind, started_at=facts.started_at,
            minutes=facts.minutes, pupils_reached=facts.pupils_reached, partners=partners,
            summary=summary, actor=actor,
        )  # fmt: skip

    @event(Recorded)
    def __init__(
        self,
        school_id: str,
        officer_id: str,
        kind: ActivityKind,
        started_at: datetime,
        minutes: int,
        pupils_reached: int | None,
        partners: list[Partner],
        summary: str | None,
        actor: Actor,
    ) -> None:
        self.school_id = school_id
        self.officer_id = officer_id
        self.kind = kind
        self.started_at = started_at
        self.minutes = minutes
        self.pupils_reached = pupils_reached
        self.partners = list(partners)
        self.summary = summary
        self.withdrawn: ActivityWithdrawal | None = None

    def withdraw(self, reason: ActivityWithdrawal, now: datetime, actor: Actor) -> None:
        """Take the activity out of the figures; the record and its history remain."""
        if self.withdrawn is not None:
            raise StateConflict("activity-withdrawn", "the activity was already withdrawn")
        self._withdrawn(self.school_id, reason, now, actor)

    @event(Withdrawn)
    def _withdrawn(
        self, school_id: str, reason: ActivityWithdrawal, withdrawn_at: datetime, actor: Actor
    ) -> None:
        self.withdrawn = reason
