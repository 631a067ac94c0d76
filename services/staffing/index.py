"""Lookups over the notification log, caught up before every query (any replica sees all)."""

import threading
from collections import defaultdict
from datetime import date
from typing import Any
from uuid import UUID

from eventsourcing.application import Application
from eventsourcing.utils import get_topic

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
        self.position = 0
        self._lock = threading.Lock()
        self.schools: dict[str, str] = {}  # school id -> borough
        self.officers: dict[str, str] = {}  # officer id -> borough
        self.deployments: dict[UUID, tuple[str, list[str]]] = {}  # -> officer, schools
        self.terms: dict[str, dict[str, tuple[date, date]]] = defaultdict(dict)
        self.rosters: dict[str, dict[str, UUID]] = defaultdict(dict)  # officer -> term -> id
        self.absences: dict[UUID, tuple[str, list[str]]] = {}  # -> officer, schools
        self._handlers: dict[str, Any] = {
            get_topic(School.Registered): self._school,
            get_topic(Officer.Registered): self._officer,
            get_topic(Deployment.Deployed): self._deployment,
            get_topic(TermCalendar.Published): self._calendar,
            get_topic(TermCalendar.Revised): self._calendar,
            get_topic(Roster.Generated): self._roster,
            get_topic(Absence.Notified): self._absence,
        }

    def catch_up(self) -> None:
        """Apply every notification recorded since the last call."""
        with self._lock:
            while True:
                notifications = self.app.recorder.select_notifications(
                    self.position + 1, BATCH, topics=tuple(self._handlers)
                )
                for notification in notifications:
                    event = self.app.mapper.to_domain_event(notification)
                    self._handlers[notification.topic](event)
                    self.position = notification.id
                if len(notifications) < BATCH:
                    return

    def term_of(self, borough: str, day: date) -> str | None:
        """The term of ``borough``'s calendar that contains ``day``."""
        for term, (starts_on, ends_on) in self.terms[borough].items():
            if starts_on <= day <= ends_on:
                return term
        return None

    def _school(self, e: School.Registered) -> None:
        self.schools[e.school_id] = e.borough

    def _officer(self, e: Officer.Registered) -> None:
        self.officers[e.officer_id] = e.borough

    def _deployment(self, e: Deployment.Deployed) -> None:
        self.deployments[e.originator_id] = (e.officer_id, list(e.school_ids))

    def _calendar(self, e: Any) -> None:
        calendar: TermCalendar = self.app.repository.get(e.originator_id)
        self.terms[calendar.borough][calendar.term] = (calendar.starts_on, calendar.ends_on)

    def _roster(self, e: Roster.Generated) -> None:
        self.rosters[e.officer_id][e.term] = e.originator_id

    def _absence(self, e: Absence.Notified) -> None:
        self.absences[e.originator_id] = (e.officer_id, list(e.school_ids))
