"""Read side of the staffing application: records by natural key and the listings.

Which records to load comes from the index view (``views/index.py``), read at the log's head.
"""

from collections.abc import Mapping
from dataclasses import replace
from datetime import date, timedelta
from functools import cached_property
from typing import TypeVar
from uuid import UUID

from eventsourcing.domain import Aggregate

from services.runtime.domain import ServiceApplication, StateConflict
from services.runtime.paging import PageRows
from services.runtime.view_reads import CurrentRows
from services.runtime.views_pg import Where
from services.staffing.domain.absence import Absence
from services.staffing.domain.calendar import TermCalendar
from services.staffing.domain.common import add_months
from services.staffing.domain.deployment import Deployment
from services.staffing.domain.officer import Officer
from services.staffing.domain.roster import Roster
from services.staffing.domain.school import School
from services.staffing.settings import StaffingConfig
from services.staffing.views.index import INDEX

A = TypeVar("A", bound=Aggregate)


class StaffingQueries(ServiceApplication):
    """Loads records and answers the listings the API serves."""

    def __init__(
        self, env: Mapping[str, str] | None = None, config: StaffingConfig | None = None
    ) -> None:
        super().__init__(env)
        self.config = config or StaffingConfig()

    @cached_property
    def index(self) -> CurrentRows:
        """The index view (made on first use, once the store is open)."""
        return CurrentRows(self, INDEX)

    def _ids(self, kind: str, key: str | None = None, borough: str | None = None) -> list[str]:
        """Record ids of ``kind`` in the index, by ``key`` and ``borough`` where given."""
        equal = {"kind": kind} | ({"key": key} if key is not None else {})
        equal |= {"borough": borough} if borough is not None else {}
        return [r.get("record") or r["key"] for r in self.index.select(Where(equal=equal))]

    def check_new(self, aggregate_id: UUID, field: str, what: str) -> None:
        """409 if a record with this natural key already exists."""
        if self.exists(aggregate_id):
            raise StateConflict(f"{what}-unique", f"this {what} is already recorded", field)

    def get_school(self, school_id: str) -> School:
        """The school ``school_id``."""
        return self.load(School, School.create_id(school_id), f"school {school_id}")

    def get_officer(self, officer_id: str) -> Officer:
        """The officer ``officer_id``."""
        return self.load(Officer, Officer.create_id(officer_id), f"officer {officer_id}")

    def get_deployment(self, deployment_id: UUID) -> Deployment:
        """The deployment ``deployment_id``."""
        return self.load(Deployment, deployment_id, f"deployment {deployment_id}")

    def get_absence(self, absence_id: UUID) -> Absence:
        """The absence ``absence_id``."""
        return self.load(Absence, absence_id, f"absence {absence_id}")

    def get_calendar(self, borough: str, term: str) -> TermCalendar:
        """``borough``'s calendar of ``term``."""
        calendar_id = TermCalendar.create_id(borough, term)
        return self.load(TermCalendar, calendar_id, f"term calendar {term} of {borough}")

    def get_roster(self, officer_id: str, term: str) -> Roster:
        """``officer_id``'s roster of ``term``."""
        roster_id = Roster.create_id(officer_id, term)
        return self.load(Roster, roster_id, f"roster of {officer_id} for {term}")

    def schools(self, borough: str | None = None) -> list[School]:
        """Schools in the programme, in one borough or all."""
        return [self.get_school(s) for s in sorted(self._ids("school", borough=borough))]

    def schools_page(self, borough: str | None, bounds: Where) -> PageRows[School]:
        """A page of the schools (``bounds``: its limit and cursor), by school id."""
        equal = {"kind": "school"} | ({"borough": borough} if borough is not None else {})
        rows = self.index.select(replace(bounds, equal=equal))
        schools: PageRows[School] = PageRows(self.get_school(r["key"]) for r in rows)
        schools.next_after = rows.next_after
        return schools

    def deployments_of(self, officer_id: str) -> list[Deployment]:
        """Every deployment of an officer, oldest first."""
        ids = self._ids("deployment", officer_id)
        return sorted((self.get_deployment(UUID(d)) for d in ids), key=lambda d: d.start_date)

    def served_before(
        self, officer_id: str, school_ids: list[str], start: date, other_than: UUID | None = None
    ) -> timedelta:
        """The officer's time at any of ``school_ids`` before ``start``, over every deployment:
        the five-year limit is on the whole time in the post, across redeployments."""
        return sum(
            (
                d.served(before=start)
                for d in self.deployments_of(officer_id)
                if d.id != other_than and set(d.school_ids) & set(school_ids)
            ),
            timedelta(0),
        )

    def deployments_at(self, school_id: str, on: date) -> list[Deployment]:
        """Deployments that serve a school on ``on``."""
        found = (self.get_deployment(UUID(d)) for d in self._ids("deployment-school", school_id))
        return sorted((d for d in found if d.in_force_on(on)), key=lambda d: d.officer_id)

    def tenures_ending(self, on: date, within_months: int, borough: str | None) -> list[Deployment]:
        """Deployments in force whose tenure ends within ``within_months`` of ``on``."""
        horizon = add_months(on, within_months)
        found = [self.get_deployment(UUID(d)) for d in self._ids("deployment")]
        return sorted(
            (
                d
                for d in found
                if d.ended_on is None
                and on <= d.tenure_end <= horizon
                and borough in (None, d.borough)
            ),
            key=lambda d: d.tenure_end,
        )

    def overdue_reviews(self, on: date, borough: str | None) -> list[School]:
        """Schools whose annual partnership review was not held within a year."""
        return [s for s in self.schools(borough) if s.review_overdue(on)]

    def rosters_of(self, officer_id: str) -> list[Roster]:
        """Every roster of an officer, by term."""
        rows = self.index.select(Where(equal={"kind": "roster", "key": officer_id}))
        ids = {r["term"]: UUID(r["record"]) for r in rows}
        return [self.load(Roster, ids[t], f"roster {t}") for t in sorted(ids)]

    def absences_at(self, school_id: str, since: date | None) -> list[Absence]:
        """Absences notified to a school, ending on or after ``since``."""
        found = [self.get_absence(UUID(a)) for a in self._ids("absence-school", school_id)]
        kept = [a for a in found if since is None or a.ends_on >= since]
        return sorted(kept, key=lambda a: a.starts_on)

    def term_of(self, borough: str, day: date) -> str | None:
        """The term of ``borough``'s calendar that contains ``day``, if any."""
        for r in self.index.select(Where(equal={"kind": "calendar", "key": borough})):
            if date.fromisoformat(r["starts_on"]) <= day <= date.fromisoformat(r["ends_on"]):
                return str(r["term"])
        return None
