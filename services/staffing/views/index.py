"""Lookups over the notification log, caught up before every query (any replica sees all)."""

from collections import defaultdict
from datetime import date
from typing import Any
from uuid import UUID

from eventsourcing.application import Application

from services.runtime.dispatch import Handlers
from services.runtime.follower import Fold, LogFollower
from services.staffing.domain.absence import Absence
from services.staffing.domain.calendar import TermCalendar
from services.staffing.domain.deployment import Deployment
from services.staffing.domain.officer import Officer
from services.staffing.domain.roster import Roster
from services.staffing.domain.school import School

BATCH = 1000


class StaffingIndex:
    """Which records exist, by school, officer, borough and term."""

    def __init__(self, app: Application) -> None:
        self.app = app
        self.schools: dict[str, str] = {}  # school id -> borough
        self.officers: dict[str, str] = {}  # officer id -> borough
        self.deployments: dict[UUID, tuple[str, list[str]]] = {}  # -> officer, schools
        self.terms: dict[str, dict[str, tuple[date, date]]] = defaultdict(dict)
        self.rosters: dict[str, dict[str, UUID]] = defaultdict(dict)  # officer -> term -> id
        self.absences: dict[UUID, tuple[str, list[str]]] = {}  # -> officer, schools
        self.follower = LogFollower(app, self, FOLDS, BATCH)

    def catch_up(self) -> None:
        """Apply every notification recorded since the last call."""
        self.follower.catch_up()

    def term_of(self, borough: str, day: date) -> str | None:
        """The term of ``borough``'s calendar that contains ``day``."""
        for term, (starts_on, ends_on) in self.terms[borough].items():
            if starts_on <= day <= ends_on:
                return term
        return None


FOLDS: Handlers[Fold] = Handlers()


@FOLDS.on(School.Registered)
def _school(index: StaffingIndex, e: School.Registered) -> None:
    index.schools[e.school_id] = e.borough


@FOLDS.on(Officer.Registered)
def _officer(index: StaffingIndex, e: Officer.Registered) -> None:
    index.officers[e.officer_id] = e.borough


@FOLDS.on(Deployment.Deployed)
def _deployment(index: StaffingIndex, e: Deployment.Deployed) -> None:
    index.deployments[e.originator_id] = (e.officer_id, list(e.school_ids))


@FOLDS.on(TermCalendar.Published, TermCalendar.Revised)
def _calendar(index: StaffingIndex, e: Any) -> None:
    calendar: TermCalendar = index.app.repository.get(e.originator_id)
    index.terms[calendar.borough][calendar.term] = (calendar.starts_on, calendar.ends_on)


@FOLDS.on(Roster.Generated)
def _roster(index: StaffingIndex, e: Roster.Generated) -> None:
    index.rosters[e.officer_id][e.term] = e.originator_id


@FOLDS.on(Absence.Notified)
def _absence(index: StaffingIndex, e: Absence.Notified) -> None:
    index.absences[e.originator_id] = (e.officer_id, list(e.school_ids))
