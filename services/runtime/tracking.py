"""Effectively once: event ids and offsets recorded with the read model, in its transaction."""

from collections.abc import Sequence
from typing import Any

from aiokafka import ConsumerRecord

from services.runtime.projection import Connection, Projection, ReceivedEvent

TRACKING_DDL = """
CREATE TABLE IF NOT EXISTS ssp_processed_events (
    runner text NOT NULL,
    event_id text NOT NULL,
    PRIMARY KEY (runner, event_id)
);
CREATE TABLE IF NOT EXISTS ssp_consumer_offsets (
    runner text NOT NULL,
    topic text NOT NULL,
    partition int NOT NULL,
    next_offset bigint NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (runner, topic, partition)
);
"""


async def apply_tracked(
    conn: Connection,
    runner: str,
    projections: Sequence[Projection],
    events: Sequence[ReceivedEvent],
) -> list[ReceivedEvent]:
    """Apply the events ``runner`` has not applied yet and record their ids; return those.

    The live runner, the rebuild and the auditor's replay all go through here, so a rebuilt
    read model is made by exactly the code that keeps the live one.
    """
    rows = await conn.fetch(
        "SELECT event_id FROM ssp_processed_events WHERE runner = $1"
        " AND event_id = ANY($2::text[])",
        runner,
        [e.envelope.id for e in events],
    )
    seen = {r["event_id"] for r in rows}
    fresh: list[ReceivedEvent] = []
    for event in events:
        if event.envelope.id not in seen:
            seen.add(event.envelope.id)  # the relay may have published it twice in one batch
            fresh.append(event)
    for projection in projections:
        mine = [e for e in fresh if e.topic in projection.topics]
        if mine:
            await projection.apply(conn, mine)
    await conn.copy_records_to_table(
        "ssp_processed_events",
        records=[(runner, e.envelope.id) for e in fresh],
        columns=("runner", "event_id"),
    )
    return fresh


async def store_offsets(conn: Connection, runner: str, offsets: dict[tuple[str, int], int]) -> None:
    """Record the next offset to read per partition, never moving backwards."""
    await conn.executemany(
        """INSERT INTO ssp_consumer_offsets (runner, topic, partition, next_offset)
           VALUES ($1, $2, $3, $4)
           ON CONFLICT (runner, topic, partition) DO UPDATE
           SET next_offset = GREATEST(ssp_consumer_offsets.next_offset, $4),
               updated_at = now()""",
        [(runner, t, p, o) for (t, p), o in offsets.items()],
    )


def next_offsets(records: Sequence[ConsumerRecord[Any, Any]]) -> dict[tuple[str, int], int]:
    """Next offset to read per (topic, partition) after ``records``."""
    offsets: dict[tuple[str, int], int] = {}
    for r in records:
        offsets[(r.topic, r.partition)] = max(offsets.get((r.topic, r.partition), 0), r.offset + 1)
    return offsets
