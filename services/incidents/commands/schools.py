"""Commands on a school's protocol hours and termly indicators."""

from datetime import date, datetime, time
from uuid import UUID

from ssp_contracts.events.incidents import Weekday

from services.incidents.domain.hours import SchoolHours, check_hours, hours_id
from services.incidents.domain.indicators import TermIndicators, check_term, indicators_id
from services.incidents.domain.rules import check_not_future
from services.runtime.domain import Actor, NotFound, ServiceApplication, StateConflict


class SchoolCommands(ServiceApplication):
    """Set protocol hours; submit and correct termly indicators."""

    def set_protocol_hours(
        self,
        *,
        school_id: str,
        starts: time,
        ends: time,
        school_days: list[Weekday],
        closed_dates: list[date],
        actor: Actor,
    ) -> UUID:
        """Set the school's protocol hours from now on (create or change)."""
        check_hours(starts, ends, school_days)
        days, closed = sorted(set(school_days)), sorted(set(closed_dates))
        try:
            record = self.load(SchoolHours, hours_id(school_id))
        except NotFound:
            record = SchoolHours(school_id, starts, ends, days, closed, actor)
        else:
            record.change(starts, ends, days, closed, actor)
        self.save(record)
        return record.id

    def get_protocol_hours(self, school_id: str) -> SchoolHours:
        """The school's protocol-hours record (404 when the default applies)."""
        return self.load(SchoolHours, hours_id(school_id))

    def submit_indicators(
        self,
        *,
        school_id: str,
        term: str,
        counts: dict[str, int],
        submitted_at: datetime,
        now: datetime,
        actor: Actor,
    ) -> UUID:
        """Submit a term's counts; a second submission must be a correction."""
        check_term(term, now)
        check_not_future(submitted_at, now, "submitted_at")
        try:
            self.load(TermIndicators, indicators_id(school_id, term))
        except NotFound:
            record = TermIndicators(school_id, term, counts, submitted_at, actor)
            self.save(record)
            return record.id
        raise StateConflict(
            "indicators-submitted",
            f"indicators for {school_id} {term} are already submitted; send a correction",
            "term",
        )

    def correct_indicators(
        self,
        *,
        school_id: str,
        term: str,
        counts: dict[str, int],
        reason: str,
        submitted_at: datetime,
        now: datetime,
        actor: Actor,
    ) -> UUID:
        """Supersede the term's counts with a correction."""
        record = self.get_indicators(school_id, term)
        record.correct(counts, reason, submitted_at, now, actor)
        self.save(record)
        return record.id

    def get_indicators(self, school_id: str, term: str) -> TermIndicators:
        """The term's record with every revision."""
        return self.load(TermIndicators, indicators_id(school_id, term))
