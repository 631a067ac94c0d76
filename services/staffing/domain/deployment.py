"""The deployment aggregate: an officer to a school or cluster, and the tenure rules."""

from datetime import date

from eventsourcing.domain import Aggregate, event
from ssp_contracts.events.staffing import Rank

from services.runtime.domain import Actor, RuleViolation, StateConflict
from services.staffing.domain.common import add_years

MIN_TENURE_YEARS, MAX_TENURE_YEARS = 3, 5


class Deployment(Aggregate):
    """An officer's deployment with a share of their time and a tenure of 3 to 5 years."""

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
        reason: str
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
    ) -> "Deployment":
        """A new deployment; tenure is 3 years unless a longer one (up to 5) is given."""
        end = tenure_end or add_years(start_date, MIN_TENURE_YEARS)
        cls.check_tenure(start_date, end, minimum=True)
        return cls(
            officer_id, rank, borough, school_ids, to_cluster, share_percent, start_date, end, actor
        )

    @staticmethod
    def check_tenure(start_date: date, tenure_end: date, *, minimum: bool) -> None:
        if minimum and tenure_end < add_years(start_date, MIN_TENURE_YEARS):
            raise RuleViolation(
                "tenure-minimum-3-years",
                f"tenure must run at least {MIN_TENURE_YEARS} years from {start_date}",
                "tenure_end",
            )
        latest = add_years(start_date, MAX_TENURE_YEARS)
        if tenure_end > latest:
            raise RuleViolation(
                "tenure-maximum-5-years",
                f"tenure may run at most {MAX_TENURE_YEARS} years in all, to {latest}",
                "tenure_end",
            )

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

    def extend(self, tenure_end: date, actor: Actor) -> None:
        """Extend the tenure, in steps, to at most 5 years in all."""
        self.check_in_force()
        if tenure_end <= self.tenure_end:
            raise RuleViolation(
                "extension-later",
                f"tenure_end must be after the current end {self.tenure_end}",
                "tenure_end",
            )
        self.check_tenure(self.start_date, tenure_end, minimum=False)
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

    def end(self, ended_on: date, reason: str, note: str, actor: Actor) -> None:
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
        reason: str,
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
