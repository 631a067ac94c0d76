"""Who and where: schools, officers, deployments and term calendars, for rates and costs."""

import json
from datetime import timedelta

from ssp_contracts.events import staffing as s

from services.runtime.batching import StatementBatch
from services.runtime.dispatch import Handlers
from services.runtime.projection import Apply, Connection, HandledProjection

DDL = """
CREATE TABLE IF NOT EXISTS ctx_schools (
    school_id text PRIMARY KEY,
    borough text NOT NULL,
    phase text NOT NULL,
    pupil_count int NOT NULL,
    programme text NOT NULL
);
CREATE TABLE IF NOT EXISTS ctx_school_census (
    school_id text PRIMARY KEY,
    census_date date NOT NULL,
    pupils_by_ethnicity jsonb NOT NULL
);
CREATE TABLE IF NOT EXISTS ctx_officers (
    officer_id text PRIMARY KEY,
    rank text NOT NULL,
    borough text NOT NULL
);
CREATE TABLE IF NOT EXISTS ctx_deployments (
    deployment_id text PRIMARY KEY,
    officer_id text NOT NULL,
    borough text,
    school_ids text[] NOT NULL,
    share_percent int,
    start_date date,
    tenure_end date,
    rank text,
    ended_on date
);
CREATE TABLE IF NOT EXISTS ctx_terms (
    borough text NOT NULL,
    term text NOT NULL,
    starts_on date NOT NULL,
    ends_on date NOT NULL,
    school_days int,
    PRIMARY KEY (borough, term)
);
"""
# Columns added after the first release: an existing read model gains them in place.
MIGRATE = """
ALTER TABLE ctx_deployments ADD COLUMN IF NOT EXISTS tenure_end date;
ALTER TABLE ctx_deployments ADD COLUMN IF NOT EXISTS rank text;
ALTER TABLE ctx_terms ADD COLUMN IF NOT EXISTS school_days int;
CREATE TABLE IF NOT EXISTS ctx_protocols (
    school_id text PRIMARY KEY,
    borough text NOT NULL,
    version int,
    signed_on date NOT NULL,
    last_review_on date,
    review_due date NOT NULL
);
"""


HANDLERS: Handlers[Apply] = Handlers()


class ContextView(HandledProjection):
    """Schools with their pupils, officers' deployments and each borough's term dates."""

    name = "context"
    topics = (s.STAFFING,)
    handlers = HANDLERS

    async def create_tables(self, conn: Connection) -> None:
        await conn.execute(DDL)
        await conn.execute(MIGRATE)


@HANDLERS.on(s.SchoolRegistered)
async def _school(b: StatementBatch, p: s.SchoolRegistered) -> None:
    await b.execute(
        """INSERT INTO ctx_schools VALUES ($1, $2, $3, $4, $5)
           ON CONFLICT (school_id) DO UPDATE SET borough = $2, phase = $3,
               pupil_count = $4, programme = $5""",
        p.school_id, p.borough, p.phase, p.pupil_count, p.programme,
    )  # fmt: skip


@HANDLERS.on(s.SchoolCensusRecorded)
async def _census(b: StatementBatch, p: s.SchoolCensusRecorded) -> None:
    # The latest census stands, whatever order the events arrive in.
    await b.execute(
        """INSERT INTO ctx_school_census VALUES ($1, $2, $3::jsonb)
           ON CONFLICT (school_id) DO UPDATE SET census_date = $2, pupils_by_ethnicity = $3
           WHERE ctx_school_census.census_date <= $2""",
        p.school_id, p.census_date, json.dumps(p.pupils_by_ethnicity, sort_keys=True),
    )  # fmt: skip


@HANDLERS.on(s.OfficerRegistered)
async def _officer(b: StatementBatch, p: s.OfficerRegistered) -> None:
    await b.execute(
        """INSERT INTO ctx_officers VALUES ($1, $2, $3)
           ON CONFLICT (officer_id) DO UPDATE SET rank = $2, borough = $3""",
        p.officer_id, p.rank, p.borough,
    )  # fmt: skip


@HANDLERS.on(s.OfficerDeployed)
async def _deployed(b: StatementBatch, p: s.OfficerDeployed) -> None:
    await b.execute(
        """INSERT INTO ctx_deployments (deployment_id, officer_id, borough, school_ids,
               share_percent, start_date, tenure_end, rank)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
           ON CONFLICT (deployment_id) DO UPDATE SET borough = $3, school_ids = $4,
               share_percent = $5, start_date = $6,
               tenure_end = GREATEST(ctx_deployments.tenure_end, $7), rank = $8""",
        p.deployment_id, p.officer_id, p.borough, p.school_ids, p.share_percent, p.start_date,
        p.tenure_end, p.rank,
    )  # fmt: skip


@HANDLERS.on(s.DeploymentExtended)
async def _extended(b: StatementBatch, p: s.DeploymentExtended) -> None:
    # An extension only moves tenure later; GREATEST keeps any arrival order right.
    await b.execute(
        """INSERT INTO ctx_deployments (deployment_id, officer_id, borough, school_ids,
               tenure_end) VALUES ($1, $2, $3, $4, $5)
           ON CONFLICT (deployment_id) DO UPDATE
           SET tenure_end = GREATEST(ctx_deployments.tenure_end, $5)""",
        p.deployment_id, p.officer_id, p.borough, p.school_ids, p.tenure_end,
    )  # fmt: skip


@HANDLERS.on(s.DeploymentEnded)
async def _ended(b: StatementBatch, p: s.DeploymentEnded) -> None:
    # The end may be seen first on replay of another partition: keep both orders.
    await b.execute(
        """INSERT INTO ctx_deployments (deployment_id, officer_id, borough, school_ids,
               ended_on) VALUES ($1, $2, $3, $4, $5)
           ON CONFLICT (deployment_id) DO UPDATE SET ended_on = $5""",
        p.deployment_id, p.officer_id, p.borough, p.school_ids, p.ended_on,
    )  # fmt: skip


@HANDLERS.on(s.TermCalendarSet)
async def _calendar(b: StatementBatch, p: s.TermCalendarSet) -> None:
    await b.execute(
        """INSERT INTO ctx_terms VALUES ($1, $2, $3, $4, $5)
           ON CONFLICT (borough, term) DO UPDATE
           SET starts_on = $3, ends_on = $4, school_days = $5""",
        p.borough, p.term, p.starts_on, p.ends_on, school_days(p),
    )  # fmt: skip


def school_days(calendar: s.TermCalendarSet) -> int:
    """Weekdays of the term that are not in one of its holidays."""
    off = {
        h.starts_on + timedelta(n)
        for h in calendar.holidays
        for n in range((h.ends_on - h.starts_on).days + 1)
    }
    days = (calendar.ends_on - calendar.starts_on).days + 1
    return sum(
        1
        for n in range(days)
        if (d := calendar.starts_on + timedelta(n)).isoweekday() <= 5 and d not in off
    )


def term_of(day: str, borough: str) -> str:
    """SQL for the term of date expression ``day`` in ``borough``.

    The borough's published calendar decides; without one (or in a holiday between terms)
    the convention is autumn September to December, spring January to March, summer
    April to August.
    """
    fallback = (
        f"extract(year FROM {day})::int::text || CASE WHEN extract(month FROM {day}) >= 9"
        f" THEN '-autumn' WHEN extract(month FROM {day}) <= 3 THEN '-spring' ELSE '-summer' END"
    )
    return (
        f"COALESCE((SELECT t.term FROM ctx_terms t WHERE t.borough = {borough}"
        f" AND {day} BETWEEN t.starts_on AND t.ends_on LIMIT 1), {fallback})"
    )


@HANDLERS.on(s.ProtocolSigned)
async def _protocol(b: StatementBatch, p: s.ProtocolSigned) -> None:
    # A new version restarts the annual cycle; events arrive in order per school.
    await b.execute(
        """INSERT INTO ctx_protocols VALUES ($1, $2, $3, $4, NULL, $5)
           ON CONFLICT (school_id) DO UPDATE SET borough = $2, version = $3, signed_on = $4,
               review_due = $5""",
        p.school_id, p.borough, p.version, p.signed_on, p.review_due,
    )  # fmt: skip


@HANDLERS.on(s.PartnershipReviewed)
async def _reviewed(b: StatementBatch, p: s.PartnershipReviewed) -> None:
    await b.execute(
        "UPDATE ctx_protocols SET last_review_on = $2, review_due = $3 WHERE school_id = $1",
        p.school_id, p.held_on, p.next_review_due,
    )  # fmt: skip
