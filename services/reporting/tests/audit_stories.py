"""Shared steps of the audit trail stories."""

from datetime import timedelta

import asyncpg
from ssp_contracts.events.incidents import IncidentReported

from services.reporting.projections.audit import AuditTrail
from services.reporting.tests.builders import T0, received
from services.runtime.projection import ReceivedEvent


def reported(
    n: int, school: str = "school-a", actor: str = "officer-1", minute: int | None = None
) -> ReceivedEvent:
    """The n-th incident reported at ``school``, n (or ``minute``) minutes after T0."""
    payload = IncidentReported(
        incident_id=f"00000000-0000-0000-0000-{n:012d}",
        school_id=school,
        occurred_at=T0,
        location_kind="premises",
        category="anti-social-behaviour",
        came_to_notice="officer_patrol",
        serious=False,
        outside_protocol_hours=False,
    )
    return received(
        payload, actor=actor, at=T0 + timedelta(minutes=n if minute is None else minute)
    )


async def record(conn: asyncpg.Connection, *batches: list[ReceivedEvent]) -> None:
    """Apply each batch in its own transaction, as the runner does."""
    for batch in batches:
        async with conn.transaction():
            await AuditTrail().apply(conn, batch)


async def seqs(conn: asyncpg.Connection) -> list[int]:
    """The seq of every stored entry, in order."""
    return [r["seq"] for r in await conn.fetch("SELECT seq FROM audit_trail ORDER BY seq")]
