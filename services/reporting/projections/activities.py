"""The officers' recorded activities: the educational and preventive outputs of the framework."""

from ssp_contracts.events import incidents as i

from services.runtime.batching import StatementBatch
from services.runtime.dispatch import Handlers
from services.runtime.projection import Apply, Connection, HandledProjection

DDL = """
CREATE TABLE IF NOT EXISTS perf_activities (
    activity_id text PRIMARY KEY,
    school_id text NOT NULL,
    officer_id text,
    kind text,
    started_at timestamptz,
    minutes int,
    pupils_reached int,
    partners text[] NOT NULL DEFAULT '{}',
    withdrawn boolean NOT NULL DEFAULT false
);
CREATE INDEX IF NOT EXISTS perf_activities_school ON perf_activities (school_id, started_at);
"""

HANDLERS: Handlers[Apply] = Handlers()


class ActivitiesView(HandledProjection):
    """Activities per school and officer, withdrawn ones kept but flagged."""

    name = "activities"
    topics = (i.INCIDENTS,)
    handlers = HANDLERS

    async def create_tables(self, conn: Connection) -> None:
        await conn.execute(DDL)


@HANDLERS.on(i.ActivityRecorded)
async def _recorded(b: StatementBatch, p: i.ActivityRecorded) -> None:
    # A withdrawal may arrive first (another partition order after a replay): keep its flag.
    await b.execute(
        """INSERT INTO perf_activities (activity_id, school_id, officer_id, kind, started_at,
               minutes, pupils_reached, partners) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
           ON CONFLICT (activity_id) DO UPDATE SET officer_id = $3, kind = $4,
               started_at = $5, minutes = $6, pupils_reached = $7, partners = $8""",
        p.activity_id, p.school_id, p.officer_id, p.kind, p.started_at, p.minutes,
        p.pupils_reached, list(p.partners),
    )  # fmt: skip


@HANDLERS.on(i.ActivityWithdrawn)
async def _withdrawn(b: StatementBatch, p: i.ActivityWithdrawn) -> None:
    await b.execute(
        """INSERT INTO perf_activities (activity_id, school_id, withdrawn) VALUES ($1, $2, true)
           ON CONFLICT (activity_id) DO UPDATE SET withdrawn = true""",
        p.activity_id, p.school_id,
    )  # fmt: skip
