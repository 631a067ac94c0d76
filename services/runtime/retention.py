"""Retention by shredding: each record keeps its subjects' keys for its kind's period, no longer.

When a record names a subject, the subject's key is kept at least until the record's time plus
its kind's period (``ssp_subject_keys.retain_until``, the latest of the subject's records). At
expiry the subject is erased like any erasure (``erasure.erase_subject``, legal basis
``retention-schedule``), so each is an event in the store and in the audit trail. ``ssp
retention due|apply <service>`` and a daily job in each service that holds subjects do it.
A record key (``record_keys``: a record's free text) is kept for its record's own period and
destroyed at expiry (its subjects' erasures take it sooner).
"""

import asyncio
import logging
from datetime import UTC, datetime, timedelta
from typing import Any

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from services.runtime.domain import Actor, ServiceApplication
from services.runtime.subject_table import SubjectRow
from services.runtime.subjects import SubjectKeys

log = logging.getLogger("ssp.retention")

# The system actor of erasures the schedule makes.
RETENTION_ACTOR = Actor("retention-schedule", "data_protection_officer", "retention-job")


class RetentionSchedule(BaseSettings):
    """Years each kind of record is kept before its subjects are shredded (``SSP_RETENTION_``)."""

    model_config = SettingsConfigDict(env_prefix="SSP_RETENTION_", extra="ignore")

    search_years: int = Field(default=6, ge=1, description="A search record, from the search")
    incident_years: int = Field(default=6, ge=1, description="An incident, from when it happened")
    serious_incident_years: int = Field(
        default=10, ge=1, description="A serious incident (violence, sexual, weapons, robbery)"
    )
    arrest_years: int = Field(default=6, ge=1, description="An arrest, from the arrest")
    disclosure_request_years: int = Field(
        default=6, ge=1, description="A Section 115 request, from its submission"
    )
    activity_years: int = Field(
        default=6, ge=1, description="An officer's activity summary, from the activity"
    )
    job_enabled: bool = Field(default=True, description="Run the daily job in the service")
    job_interval_seconds: float = Field(default=86400, gt=0, description="Between job runs")

    def years(self, kind: str) -> int:
        """The period of ``kind`` in years; ValueError for a kind the schedule lacks."""
        value = getattr(self, f"{kind}_years", None)
        if not isinstance(value, int):
            raise ValueError(f"no retention period for {kind} records")
        return value

    def until(self, kind: str, at: datetime) -> datetime:
        """When a ``kind`` record made at ``at`` expires (29 February falls to the 28th)."""
        year = at.year + self.years(kind)
        try:
            return at.replace(year=year)
        except ValueError:
            return at.replace(year=year, day=28)


KINDS = tuple(
    name.removesuffix("_years")
    for name in RetentionSchedule.model_fields
    if name.endswith("_years")
)


def retain(subjects: SubjectKeys, ref: str, kind: str, at: datetime) -> None:
    """Keep subject ``ref``'s key at least until ``kind``'s period from ``at`` has run."""
    subjects.table.retain(ref, RetentionSchedule().until(kind, at), kind)


def due(subjects: SubjectKeys, by: datetime) -> list[SubjectRow]:
    """Subjects whose every record has expired by ``by``, soonest first."""
    rows = [r for r in subjects.table.rows() if r.retain_until is not None and r.retain_until <= by]
    return sorted(rows, key=lambda r: (r.retain_until or by, r.pseudonym))


def apply_retention(app: ServiceApplication, now: datetime, actor: Actor = RETENTION_ACTOR) -> int:
    """Erase every subject due by ``now``, each erasure recorded, and shred every record key
    due (``record_keys``); how many subjects and record keys went."""
    from services.runtime.erasure import erase_subject
    from services.runtime.record_keys import RECORD_KIND

    done = 0
    rows = due(app.subjects, now)
    # Subjects first: their erasures take the record keys that name them with them.
    for row in sorted(rows, key=lambda r: r.kind == RECORD_KIND):
        assert row.retain_until is not None
        if row.kind == RECORD_KIND:
            done += app.records.shred(row.subject_ref)
            continue
        reason = (
            f"retention schedule: {row.record_kind} records kept until {row.retain_until:%Y-%m-%d}"
        )
        erase_subject(
            app,
            row.subject_ref,
            legal_basis="retention-schedule",
            reason=reason,
            now=now,
            actor=actor,
        )
        done += 1
    return done


async def retention_job(ctx: Any) -> None:
    """The service's daily job: apply the schedule now, then every interval."""
    schedule = RetentionSchedule()
    while True:
        try:
            now = ctx.clock.now().astimezone(UTC)
            erased = await asyncio.to_thread(apply_retention, ctx.application, now)
            if erased:
                log.info("retention: %d subjects erased at expiry", erased)
        except Exception:  # a database outage: try again at the next run
            log.exception("retention job failed; retried at the next run")
        await asyncio.sleep(schedule.job_interval_seconds)


def start_retention_job(ctx: Any) -> None:
    """``ServiceSpec.on_start``: run the job in the background unless disabled or in memory."""
    if RetentionSchedule().job_enabled and not ctx.settings.in_memory:
        ctx.tasks.append(asyncio.create_task(retention_job(ctx), name="retention-job"))


def month_bounds(month: str) -> tuple[datetime, datetime]:
    """[first instant, first instant of the next) of ``YYYY-MM`` in UTC."""
    start = datetime.strptime(month, "%Y-%m").replace(tzinfo=UTC)
    return start, (start + timedelta(days=32)).replace(day=1)
