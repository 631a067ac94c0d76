"""Who and where: schools, deployments and term calendars, for per-pupil and cost figures."""

from collections.abc import Sequence

from ssp_contracts.events import staffing as s

from services.runtime.batching import StatementBatch
from services.runtime.projection import Connection, Projection, ReceivedEvent

DDL = """
CREATE TABLE IF NOT EXISTS ctx_schools (
    school_id text PRIMARY KEY,
    borough text NOT NULL,
    phase text NOT NULL,
    pupil_count int NOT NULL,
    programme text NOT NULL
);
CREATE TABLE IF NOT EXISTS ctx_deployments (
    deployment_id text PRIMARY KEY,
    officer_id text NOT NULL,
    borough text,
    school_ids text[] NOT NULL,
    share_percent int,
    start_date date,
    ended_on date
);
CREATE TABLE IF NOT EXISTS ctx_terms (
    borough text NOT NULL,
    term text NOT NULL,
    starts_on date NOT NULL,
    ends_on date NOT NULL,
    PRIMARY KEY (borough, term)
);
"""


class ContextView(Projection):
    """Schools with their pupils, officers' deployments and each borough's term dates."""

    name = "context"
    topics = (s.STAFFING,)

    async def create_tables(self, conn: Connection) -> None:
        await conn.execute(DDL)

    async def apply(self, conn: Connection, events: Sequence[ReceivedEvent]) -> None:
        batch = StatementBatch(conn)
        for event in events:
            await self._apply_one(batch, event.payload)
        await batch.flush()

    async def _apply_one(self, conn: StatementBatch, p: object) -> None:
        if isinstance(p, s.SchoolRegistered):
            await conn.execute(
                """INSERT INTO ctx_schools VALUES ($1, $2, $3, $4, $5)
                   ON CONFLICT (school_id) DO UPDATE SET borough = $2, phase = $3,
                       pupil_count = $4, programme = $5""",
                p.school_id,
                p.borough,
                p.phase,
                p.pupil_count,
                p.programme,
            )
        elif isinstance(p, s.OfficerDeployed):
            await conn.execute(
                """INSERT INTO ctx_deployments (deployment_id, officer_id, borough, school_ids,
                       share_percent, start_date) VALUES ($1, $2, $3, $4, $5, $6)
                   ON CONFLICT (deployment_id) DO UPDATE SET borough = $3, school_ids = $4,
                       share_percent = $5, start_date = $6""",
                p.deployment_id,
                p.officer_id,
                p.borough,
                p.school_ids,
                p.share_percent,
                p.start_date,
            )
        elif isinstance(p, s.DeploymentEnded):
            # The end may be seen first on replay of another partition: keep both orders.
            await conn.execute(
                """INSERT INTO ctx_deployments (deployment_id, officer_id, borough, school_ids,
                       ended_on) VALUES ($1, $2, $3, $4, $5)
                   ON CONFLICT (deployment_id) DO UPDATE SET ended_on = $5""",
                p.deployment_id,
                p.officer_id,
                p.borough,
                p.school_ids,
                p.ended_on,
            )
        elif isinstance(p, s.TermCalendarSet):
            await conn.execute(
                """INSERT INTO ctx_terms VALUES ($1, $2, $3, $4)
                   ON CONFLICT (borough, term) DO UPDATE SET starts_on = $3, ends_on = $4""",
                p.borough,
                p.term,
                p.starts_on,
                p.ends_on,
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
