"""The deployment aggregate: an officer to a school or cluster, and the tenure rules.

The evaluation recommends: "Officers should have a minimum tenure of 3 years with the option of
extending their time in the post to 5 years." Three years is a recommendation, so a shorter
(cover) deployment is recorded and flagged, never refused; five years is the limit of the
officer's whole time in the post, so earlier deployments at the same school count towards it.
"""

from datetime import date, timedelta

from eventsourcing.domain import Aggregate, event
from ssp_contracts.events.staffing import EndReason, Rank

from services.runtime.domain import Actor, RuleViolation, StateConflict
from services.staffing.domain.common import add_years

MIN_TENURE_YEARS, MAX_TENURE_YEARS = 3, 5


class Deployment(Aggregate):
    """An officer's deployment with a share of their time; tenure 3 years (recommended) to 5."""

    class Deployed(Aggregate.Created):
        officer_id: str
        rank: Rank
        borough: str
        school_ids: list[str]
        to_cluster: bool
        share_percent: int
        start_date: date
        tenure_end: date
        actor: Actor

    class Extended(Aggregate.Event):
        officer_id: str
        borough: str
        school_ids: list[str]
        previous_tenure_end: date
        tenure_end: date
        actor: Actor

    class Ended(Aggregate.Event):
        officer_id: str
        borough: str
        school_ids: list[str]
        ended_on: date
        reason: EndReason
        note: str
        actor: Actor

    @classmethod
    def deploy(
        cls,
        *,
        officer_id: str,
        rank: Rank,
        borough: str,
        school_ids: list[str],
        to_cluster: bool,
        share_percent: int,
        start_date: date,
        tenure_end: date | None,
        actor: Actor,
        served_before: timedelta = timedelta(0),
    ) -> "Deployment":
        """A new deployment; tenure is 3 years unless another is given, within the 5-year limit
        less the time ``served_before`` at the same schools."""
        end = tenure_end or add_years(start_date, MIN_TENURE_YEARS)
        cls.check_tenure(start_date, end, served_before)
        return cls(
            officer_id, rank, borough, school_ids, to_cluster, share_percent, start_date, end, actor
        )

    @staticmethod
    def check_tenure(start_date: date, tenure_end: date, served_before: timedelta) -> None:
        """At most 5 years in the post, counting ``served_before`` at the same schools."""
        if tenure_end < start_date:
            raise RuleViolation(
                "tenure-after-start", f"tenure_end must not be before {start_date}", "tenure_end"
            )
        latest = add_years(start_date, MAX_TENURE_YEARS) - served_before
        if tenure_end > latest:
            before = (
                f" ({served_before.days} days at these schools before)" if served_before else ""
            )
            raise RuleViolation(
                "tenure-maximum-5-years",
                f"time in the post may run at most {MAX_TENURE_YEARS} years in all{before};"
                f" tenure_end {latest} at the latest",
                "tenure_end",
            )

    @property
    def below_recommended_tenure(self) -> bool:
        """Shorter than the recommended 3 years (cover): recorded, and flagged for review."""
        return (self.ended_on or self.tenure_end) < add_years(self.start_date, MIN_TENURE_YEARS)

    def served(self, before: date) -> timedelta:
        """Time in the post from the start to ``before`` (or to its end, if earlier)."""
        last = min(self.ended_on or self.tenure_end, before - timedelta(days=1))
        return max(last - self.start_date + timedelta(days=1), timedelta(0))

    @event(Deployed)
    def __init__(
        self,
        officer_id: str,
        rank: Rank,
        borough: str,
        school_ids: list[str],
        to_cluster: bool,
        share_percent: int,
        start_date: date,
        tenure_end: date,
        actor: Actor,
    ) -> None:
        self.officer_id = officer_id
        self.rank = rank
        self.borough = borough
        self.school_ids = list(school_ids)
        self.to_cluster = to_cluster
        self.share_percent = share_percent
        self.start_date = start_date
        self.tenure_end = tenure_end
        self.ended_on: date | None = None
        self.end_reason: str | None = None

    def check_in_force(self) -> None:
        if self.ended_on is not None:
            raise StateConflict(
                "deployment-in-force", f"the deployment ended on {self.ended_on}", None
            )

    def extend(
        self, tenure_end: date, actor: Actor, served_before: timedelta = timedelta(0)
    ) -> None:
        """Extend the tenure, in steps, to at most 5 years in the post in all."""
        self.check_in_force()
        if tenure_end <= self.tenure_end:
            raise RuleViolation(
                "extension-later",
                f"tenure_end must be after the current end {self.tenure_end}",
                "tenure_end",
            )
        self.check_tenure(self.start_date, tenure_end, served_before)
        self._extend(*self._keys(), self.tenure_end, tenure_end, actor)

    @event(Extended)
    def _extend(
        self,
        officer_id: str,
        borough: str,
        school_ids: list[str],
        previous_tenure_end: date,
        tenure_end: date,
        actor: Actor,
    ) -> None:
        self.tenure_end = tenure_end

    def end(self, ended_on: date, reason: EndReason, note: str, actor: Actor) -> None:
        """End the deployment, giving a reason."""
        self.check_in_force()
        if ended_on < self.start_date:
            raise RuleViolation(
                "end-after-start", f"ended_on must not be before {self.start_date}", "ended_on"
            )
        self._end(*self._keys(), ended_on, reason, note, actor)

    @event(Ended)
    def _end(
        self,
        officer_id: str,
        borough: str,
        school_ids: list[str],
        ended_on: date,
        reason: EndReason,
        note: str,
        actor: Actor,
    ) -> None:
        self.ended_on = ended_on
        self.end_reason = reason

    def _keys(self) -> tuple[str, str, list[str]]:
        # Events repeat who and where, so each maps to its contract on its own.
        return self.officer_id, self.borough, self.school_ids

    def in_force_on(self, day: date) -> bool:
        """Whether the officer serves the schools on ``day``."""
        last = self.ended_on or self.tenure_end
        return self.start_date <= day <= last
