"""Section 115 disclosures: urgency, deadlines, confirmations and turnaround."""

from ssp_contracts.events import disclosure as d

from services.runtime.batching import StatementBatch
from services.runtime.dispatch import Handlers
from services.runtime.projection import Apply, Connection, HandledProjection

DDL = """
CREATE TABLE IF NOT EXISTS perf_disclosures (
    request_id text PRIMARY KEY,
    school_id text NOT NULL,
    borough text NOT NULL,
    urgency text NOT NULL,
    submitted_at timestamptz NOT NULL,
    decision_due timestamptz,
    confirmation_due timestamptz,
    confirmed_at timestamptz,
    countersigned_at timestamptz,
    decided_at timestamptz,
    outcome text,
    released_at timestamptz,
    closed_at timestamptz
);
ALTER TABLE perf_disclosures ADD COLUMN IF NOT EXISTS countersigned_at timestamptz;
"""
# Every request event repeats these, so a row can start from whichever arrives first.
BASE = """
INSERT INTO perf_disclosures (request_id, school_id, borough, urgency, submitted_at)
VALUES ($1, $2, $3, $4, $5) ON CONFLICT (request_id) DO NOTHING
"""


HANDLERS: Handlers[Apply] = Handlers()


class DisclosuresView(HandledProjection):
    """One row per request: when it was asked, due, confirmed, decided and released."""

    name = "disclosures"
    topics = (d.DISCLOSURE,)
    handlers = HANDLERS

    async def create_tables(self, conn: Connection) -> None:
        await conn.execute(DDL)


async def _update(b: StatementBatch, p: d.RequestEvent, sql: str, *values: object) -> None:
    """The request's row, made if this is the first event of it seen, then changed."""
    await b.execute(BASE, p.request_id, p.school_id, p.borough, p.urgency, p.submitted_at)
    if sql:
        await b.execute(
            f"UPDATE perf_disclosures SET {sql} WHERE request_id = $1", p.request_id, *values
        )


@HANDLERS.on(d.RequestSubmitted)
async def _submitted(b: StatementBatch, p: d.RequestSubmitted) -> None:
    sql = "decision_due = $2, confirmation_due = $3"
    await _update(b, p, sql, p.decision_due, p.confirmation_due)


@HANDLERS.on(d.RequestAmended)
async def _amended(b: StatementBatch, p: d.RequestAmended) -> None:
    if p.written_confirmation:
        await _update(b, p, "confirmed_at = COALESCE(confirmed_at, $2)", p.amended_at)
    else:
        await _update(b, p, "")


@HANDLERS.on(d.RequestCountersigned)
async def _countersigned(b: StatementBatch, p: d.RequestCountersigned) -> None:
    # A routine request waits for the head teacher: its turnaround starts at the signature
    # (the latest one, since an amendment voids the one before).
    await _update(b, p, "countersigned_at = GREATEST(countersigned_at, $2)", p.signed_at)


@HANDLERS.on(d.DecisionRecorded)
async def _decided(b: StatementBatch, p: d.DecisionRecorded) -> None:
    # Turnaround runs to the first decision; a correction does not restart the clock.
    sql = "decided_at = LEAST(decided_at, $2), outcome = COALESCE(outcome, $3)"
    await _update(b, p, sql, p.decided_at, p.outcome)


@HANDLERS.on(d.DecisionCorrected)
async def _corrected(b: StatementBatch, p: d.DecisionCorrected) -> None:
    sql = "outcome = $2, decided_at = COALESCE(decided_at, $3)"
    await _update(b, p, sql, p.outcome, p.decided_at)


@HANDLERS.on(d.DisclosureReleased)
async def _released(b: StatementBatch, p: d.DisclosureReleased) -> None:
    sql = "released_at = LEAST(released_at, $2), decided_at = LEAST(decided_at, $3)"
    await _update(b, p, sql, p.released_at, p.decided_at)


@HANDLERS.on(d.RequestClosed)
async def _closed(b: StatementBatch, p: d.RequestClosed) -> None:
    await _update(b, p, "closed_at = $2", p.closed_at)


@HANDLERS.on(d.RequestEvent)
async def _any_other(b: StatementBatch, p: d.RequestEvent) -> None:
    # Any other event of a request still makes its row, so every request is counted.
    await _update(b, p, "")
