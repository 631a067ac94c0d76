"""Safeguarding referrals to children's social care (the multi-agency safeguarding hub).

A concern raised from an incident or a search is referred to the MASH; it stays on the
outstanding list, with its follow-up date, until the school's safeguarding lead closes it.
"""

from datetime import date, datetime

from eventsourcing.domain import Aggregate, event
from ssp_contracts.events.incidents import ConcernKind, SafeguardingOutcome, SafeguardingSource

from services.incidents.domain.rules import check_not_before, check_not_future
from services.runtime.domain import Actor, RuleViolation, StateConflict


def check_follow_up(follow_up_due: date | None, after: datetime, field: str) -> None:
    """A follow-up date, when set, is on or after the moment it follows."""
    if follow_up_due is not None and follow_up_due < after.date():
        raise RuleViolation(
            "follow-up-date", f"{field} {follow_up_due} is before {after.date()}", field
        )


class SafeguardingReferral(Aggregate):
    """One referral of a pupil to children's social care, its outcomes and its closure."""

    class Made(Aggregate.Created):
        school_id: str
        source: SafeguardingSource
        source_id: str
        pupil_ref: str
        concern: ConcernKind
        details: str
        referred_at: datetime
        follow_up_due: date
        actor: Actor

    class OutcomeRecorded(Aggregate.Event):
        school_id: str
        outcome: SafeguardingOutcome
        recorded_at: datetime
        follow_up_due: date | None
        notes: str
        actor: Actor

    class Closed(Aggregate.Event):
        school_id: str
        closed_at: datetime
        actor: Actor

    @classmethod
    def refer(
        cls,
        *,
        now: datetime,
        source_at: datetime,
        school_id: str,
        source: SafeguardingSource,
        source_id: str,
        pupil_ref: str,
        concern: ConcernKind,
        details: str,
        referred_at: datetime,
        follow_up_due: date,
        actor: Actor,
    ) -> "SafeguardingReferral":
        """A new referral; made after what raised the concern, its follow-up date after it."""
        check_not_future(referred_at, now, "referred_at")
        check_not_before(referred_at, source_at, "referred_at", f"the {source}")
        check_follow_up(follow_up_due, referred_at, "follow_up_due")
        return cls(
            school_id, source, source_id, pupil_ref, concern, details, referred_at,
            follow_up_due, actor,
        )  # fmt: skip

    @event(Made)
    def __init__(
        self,
        school_id: str,
        source: SafeguardingSource,
        source_id: str,
        pupil_ref: str,
        concern: ConcernKind,
        details: str,
        referred_at: datetime,
        follow_up_due: date,
        actor: Actor,
    ) -> None:
        self.school_id = school_id
        self.source = source
        self.source_id = source_id
        self.pupil_ref = pupil_ref
        self.concern = concern
        self.details = details
        self.referred_at = referred_at
        self.follow_up_due: date | None = follow_up_due
        self.outcomes: list[dict[str, object]] = []
        self.closed_at: datetime | None = None

    def record_outcome(
        self,
        outcome: SafeguardingOutcome,
        recorded_at: datetime,
        follow_up_due: date | None,
        notes: str,
        now: datetime,
        actor: Actor,
    ) -> None:
        """What the MASH decided, and when it is next followed up (none: ready to close)."""
        self.check_open()
        check_not_future(recorded_at, now, "recorded_at")
        check_not_before(recorded_at, self.referred_at, "recorded_at", "the referral")
        check_follow_up(follow_up_due, recorded_at, "follow_up_due")
        self._outcome(self.school_id, outcome, recorded_at, follow_up_due, notes, actor)

    def close(self, closed_at: datetime, now: datetime, actor: Actor) -> None:
        """Close the referral once social care has given an outcome."""
        self.check_open()
        if not self.outcomes:
            raise RuleViolation(
                "safeguarding-outcome-first",
                "a referral is closed only after social care's outcome is recorded",
                "closed_at",
            )
        check_not_future(closed_at, now, "closed_at")
        check_not_before(closed_at, self.referred_at, "closed_at", "the referral")
        self._closed(self.school_id, closed_at, actor)

    def check_open(self) -> None:
        """Nothing is added to a closed referral."""
        if self.closed_at is not None:
            raise StateConflict("referral-closed", "the safeguarding referral is closed")

    @event(OutcomeRecorded)
    def _outcome(
        self,
        school_id: str,
        outcome: SafeguardingOutcome,
        recorded_at: datetime,
        follow_up_due: date | None,
        notes: str,
        actor: Actor,
    ) -> None:
        self.outcomes.append({"outcome": outcome, "recorded_at": recorded_at, "notes": notes})
        self.follow_up_due = follow_up_due

    @event(Closed)
    def _closed(self, school_id: str, closed_at: datetime, actor: Actor) -> None:
        self.closed_at = closed_at
        self.follow_up_due = None
