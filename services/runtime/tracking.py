"""Effectively once: event keys and offsets recorded with the read model, in its transaction.

An event's key is (``ce_source``, ``ce_id``): ids are unique only within the store that the
source names (``identity.dedup_source``). The table's primary key is one 16-byte digest of
(runner, source, id) (``event_key``): a third the size of the three text columns it replaced
and one comparison per index step, where the texts cost PostgreSQL most of its time per
record (bench/README.md). The texts stay beside it for operators and the fault suite's tally.
"""

import hashlib
from collections.abc import Sequence
from typing import Any

from aiokafka import ConsumerRecord

from services.runtime.identity import DDL_LOCK, dedup_source
from services.runtime.projection import Connection, Projection, ReceivedEvent

# The key in SQL, byte for byte ``event_key``: SHA-256 of the three texts in UTF-8 joined by
# NUL (which no PostgreSQL text holds, so no two triples join alike), its first 16 bytes.
_KEY_SQL = (
    "encode(substring(sha256(convert_to(runner, 'UTF8') || '\\x00'::bytea"
    " || convert_to(source, 'UTF8') || '\\x00'::bytea || convert_to(event_id, 'UTF8'))"
    " FROM 1 FOR 16), 'hex')::uuid"
)

# The lock: runners of one database start at once and would race on the DDL and migration.
TRACKING_DDL = f"""
SELECT pg_advisory_xact_lock({DDL_LOCK});
CREATE TABLE IF NOT EXISTS ssp_processed_events (
    runner text NOT NULL,
    source text NOT NULL,
    event_id text NOT NULL,
    key uuid PRIMARY KEY
);
-- Tables made before events were keyed by source: their rows keep source '' (the key of
-- events from before store identities, see identity.dedup_source).
DO $$ BEGIN
    IF NOT EXISTS (
        SELECT 1 FROM information_schema.columns WHERE table_schema = current_schema()
        AND table_name = 'ssp_processed_events' AND column_name = 'source'
    ) THEN
        ALTER TABLE ssp_processed_events ADD COLUMN source text NOT NULL DEFAULT '';
        ALTER TABLE ssp_processed_events ALTER COLUMN source DROP DEFAULT;
    END IF;
END $$;
-- Tables keyed by the three texts: each row gets its digest, which becomes the primary key.
DO $$ BEGIN
    IF NOT EXISTS (
        SELECT 1 FROM information_schema.columns WHERE table_schema = current_schema()
        AND table_name = 'ssp_processed_events' AND column_name = 'key'
    ) THEN
        ALTER TABLE ssp_processed_events DROP CONSTRAINT ssp_processed_events_pkey;
        ALTER TABLE ssp_processed_events ADD COLUMN key uuid;
        UPDATE ssp_processed_events SET key = {_KEY_SQL};
        ALTER TABLE ssp_processed_events ADD PRIMARY KEY (key);
    END IF;
END $$;
CREATE TABLE IF NOT EXISTS ssp_consumer_offsets (
    runner text NOT NULL,
    topic text NOT NULL,
    partition int NOT NULL,
    next_offset bigint NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (runner, topic, partition)
);
"""

# The tables' columns, for copies between schemas: a table migrated from the oldest shape
# holds them in another order than a new one.
PROCESSED_COLUMNS = "runner, source, event_id, key"
OFFSETS_COLUMNS = "runner, topic, partition, next_offset, updated_at"


def event_key(runner: str, source: str, event_id: str) -> str:
    """The row key of (runner, dedup source, ce_id), as 32 hex digits (a uuid's value)."""
    joined = f"{runner}\0{source}\0{event_id}".encode()
    return hashlib.sha256(joined).hexdigest()[:32]


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
    keys: dict[tuple[str, str], str] = {}
    first = first_by_key(runner, events, keys)
    recorded = await record_keys(conn, runner, keys)
    fresh = [event for key, event in first.items() if key in recorded]
    await apply_fresh(conn, projections, fresh)
    return fresh


def first_by_key(
    runner: str, events: Sequence[ReceivedEvent], keys: dict[tuple[str, str], str]
) -> dict[str, ReceivedEvent]:
    """The first of ``events`` per ``event_key``; ``keys`` gains the pairs it did not hold."""
    first: dict[str, ReceivedEvent] = {}
    for event in events:
        pair = (dedup_source(event.envelope.source), event.envelope.id)
        key = keys.get(pair)
        if key is None:
            key = keys[pair] = event_key(runner, *pair)
        # setdefault: the relay may have published an event twice in one batch.
        first.setdefault(key, event)
    return first


async def record_keys(conn: Connection, runner: str, keys: dict[tuple[str, str], str]) -> set[str]:
    """Record ``keys`` ((dedup source, id) -> ``event_key``) as applied; return the new ones.

    One statement records a batch's keys and says which are new: a key another transaction
    is recording waits for it, so two runners of one name never both apply an event.
    """
    if not keys:
        return set()
    rows = await conn.fetch(
        "INSERT INTO ssp_processed_events (runner, source, event_id, key)"
        " SELECT $1, k.source, k.event_id, k.key"
        " FROM unnest($2::text[], $3::text[], $4::uuid[]) AS k(source, event_id, key)"
        " ON CONFLICT DO NOTHING RETURNING key",
        runner,
        [source for source, _ in keys],
        [event_id for _, event_id in keys],
        list(keys.values()),
    )
    return {r[0].hex for r in rows}


async def apply_fresh(
    conn: Connection, projections: Sequence[Projection], fresh: Sequence[ReceivedEvent]
) -> None:
    """Hand each projection the fresh events of its topics, in order."""
    for projection in projections:
        mine = [e for e in fresh if e.topic in projection.topics]
        if mine:
            await projection.apply(conn, mine)


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
