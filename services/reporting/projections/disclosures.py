"""Section 115 disclosures: urgency, deadlines, confirmations and turnaround."""

from collections.abc import Sequence

from ssp_contracts.events import disclosure as d

from services.runtime.batching import StatementBatch
from services.runtime.projection import Connection, Projection, ReceivedEvent

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


class DisclosuresView(Projection):
    """One row per request: when it was asked, due, confirmed, decided and released."""

    name = "disclosures"
    topics = (d.DISCLOSURE,)

    async def create_tables(self, conn: Connection) -> None:
        await conn.execute(DDL)

    async def apply(self, conn: Connection, events: Sequence[ReceivedEvent]) -> None:
        batch = StatementBatch(conn)
        await self._apply(batch, events)
        await batch.flush()

    @staticmethod
    async def _apply(conn: StatementBatch, events: Sequence[ReceivedEvent]) -> None:
        for event in events:
            p = event.payload
            if not isinstance(p, d.RequestEvent):
                continue
            await conn.execute(
                BASE, p.request_id, p.school_id, p.borough, p.urgency, p.submitted_at
            )
            change = _change(p)
            if change:
                sql, values = change
                await conn.execute(
                    f"UPDATE perf_disclosures SET {sql} WHERE request_id = $1",
                    p.request_id,
                    *values,
                )


def _change(p: d.RequestEvent) -> tuple[str, list[object]] | None:
    if isinstance(p, d.RequestSubmitted):
        return "decision_due = $2, confirmation_due = $3", [p.decision_due, p.confirmation_due]
    if isinstance(p, d.RequestAmended) and p.written_confirmation:
        return "confirmed_at = COALESCE(confirmed_at, $2)", [p.amended_at]
    if isinstance(p, d.RequestCountersigned):
        # A routine request waits for the head teacher: its turnaround starts at the signature
        # (the latest one, since an amendment voids the one before).
        return "countersigned_at = GREATEST(countersigned_at, $2)", [p.signed_at]
    if isinstance(p, d.DecisionRecorded):
        # Turnaround runs to the first decision; a correction does not restart the clock.
        return (
            "decided_at = LEAST(decided_at, $2), outcome = COALESCE(outcome, $3)",
            [p.decided_at, p.outcome],
        )
    if isinstance(p, d.DecisionCorrected):
        return "outcome = $2, decided_at = COALESCE(decided_at, $3)", [p.outcome, p.decided_at]
    if isinstance(p, d.DisclosureReleased):
        return (
            "released_at = LEAST(released_at, $2), decided_at = LEAST(decided_at, $3)",
            [p.released_at, p.decided_at],
        )
    if isinstance(p, d.RequestClosed):
        return "closed_at = $2", [p.closed_at]
    return None
