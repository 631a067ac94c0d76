"""Termly non-crime indicators of a school; a correction supersedes, never overwrites."""

import re
import uuid
from datetime import date, datetime
from typing import TypedDict

from eventsourcing.domain import Aggregate, event

from services.incidents.domain.rules import check_not_future
from services.runtime.clock import london_day
from services.runtime.domain import Actor, RuleViolation
from services.runtime.inputs import EARLIEST, LATEST

NAMESPACE = uuid.UUID("5d7f2d8e-1c0b-4f36-9d0e-6f4b1a2c3e02")
TERM = re.compile(r"^(?P<year>[0-9]{4})-(?P<term>autumn|spring|summer)\Z")
TERM_STARTS = {"spring": (1, 1), "summer": (4, 1), "autumn": (9, 1)}
COUNTS = (
    "bullying_incidents",
    "unauthorised_absence_sessions",
    "fixed_term_exclusions",
    "permanent_exclusions",
)


def indicators_id(school_id: str, term: str) -> uuid.UUID:
    """One record per school and term."""
    return uuid.uuid5(NAMESPACE, f"{school_id}/{term}")


def check_term(term: str, now: datetime) -> None:
    """A term reads YYYY-autumn|spring|summer and must have started."""
    match = TERM.match(term)
    if match is None:
        raise RuleViolation(
            "term", "term must read YYYY-autumn, YYYY-spring or YYYY-summer", "term"
        )
    month, day = TERM_STARTS[match["term"]]
    year = int(match["year"])
    if not EARLIEST.year <= year <= LATEST.year:
        # The calendar has no year 0; terms outside the platform's dates cannot be real.
        raise RuleViolation("term", f"a term's year lies in {EARLIEST.year}-{LATEST.year}", "term")
    if date(year, month, day) > london_day(now):
        raise RuleViolation("term-not-started", f"term {term} has not started yet", "term")


class Revision(TypedDict):
    """One revision of a term's counts, as the record and its API show it."""

    revision: int
    counts: dict[str, int]
    reason: str | None
    submitted_at: datetime
    submitted_by: str
    superseded_by: int | None


class TermIndicators(Aggregate):
    """The counts a school returns for one term, with every revision kept."""

    class Submitted(Aggregate.Created):
        school_id: str
        term: str
        counts: dict[str, int]
        submitted_at: datetime
        actor: Actor

    class Corrected(Aggregate.Event):
        school_id: str
        term: str
        counts: dict[str, int]
        reason: str
        submitted_at: datetime
        actor: Actor

    @classmethod
    def create_id(cls, school_id: str, term: str) -> uuid.UUID:
        return indicators_id(school_id, term)

    @event(Submitted)
    def __init__(
        self,
        school_id: str,
        term: str,
        counts: dict[str, int],
        submitted_at: datetime,
        actor: Actor,
    ) -> None:
        self.school_id = school_id
        self.term = term
        self.revisions: list[Revision] = []
        self._add_revision(counts, None, submitted_at, actor)

    def correct(
        self,
        counts: dict[str, int],
        reason: str,
        submitted_at: datetime,
        now: datetime,
        actor: Actor,
    ) -> None:
        """Supersede the current counts with corrected ones, giving the reason."""
        check_not_future(submitted_at, now, "submitted_at")
        if not reason.strip():
            raise RuleViolation("correction-reason", "a correction needs its reason", "reason")
        if counts == self.counts:
            raise RuleViolation(
                "correction-changes-nothing",
                "the corrected counts equal the current ones",
                "counts",
            )
        self._corrected(self.school_id, self.term, counts, reason.strip(), submitted_at, actor)

    @property
    def counts(self) -> dict[str, int]:
        """The counts of the latest revision."""
        return self.revisions[-1]["counts"]

    @event(Corrected)
    def _corrected(
        self,
        school_id: str,
        term: str,
        counts: dict[str, int],
        reason: str,
        submitted_at: datetime,
        actor: Actor,
    ) -> None:
        self._add_revision(counts, reason, submitted_at, actor)

    def _add_revision(
        self, counts: dict[str, int], reason: str | None, submitted_at: datetime, actor: Actor
    ) -> None:
        if self.revisions:
            self.revisions[-1]["superseded_by"] = len(self.revisions) + 1
        self.revisions.append(
            {
                "revision": len(self.revisions) + 1,
                "counts": dict(counts),
                "reason": reason,
                "submitted_at": submitted_at,
                "submitted_by": actor.id,
                "superseded_by": None,
            }
        )
