"""The audit trail: every event of every topic, each entry hash-chained to the one before."""

import json
from collections.abc import Sequence
from datetime import UTC
from typing import Any

from ssp_contracts.topics import EVENT_TOPICS

from services.reporting.chain import GENESIS, HASHED, entry_hash
from services.runtime.projection import Connection, Projection, ReceivedEvent

DDL = """
CREATE TABLE IF NOT EXISTS audit_trail (
    seq bigserial PRIMARY KEY,
    event_id text NOT NULL,
    event_type text NOT NULL,
    entity text NOT NULL,
    actor_id text NOT NULL,
    actor_role text NOT NULL,
    correlation_id text NOT NULL,
    causation_id text,
    source text NOT NULL,
    event_time timestamptz NOT NULL,
    sequence int NOT NULL,
    topic text NOT NULL,
    data jsonb NOT NULL,
    prev_hash text NOT NULL,
    hash text NOT NULL
);
-- An event id is unique within the store its source names, not across stores.
CREATE UNIQUE INDEX IF NOT EXISTS audit_trail_source_event ON audit_trail (source, event_id);
ALTER TABLE audit_trail DROP CONSTRAINT IF EXISTS audit_trail_event_id_key;
CREATE INDEX IF NOT EXISTS audit_trail_entity ON audit_trail (entity, seq);
CREATE INDEX IF NOT EXISTS audit_trail_actor ON audit_trail (actor_id, seq);
CREATE INDEX IF NOT EXISTS audit_trail_type_time ON audit_trail (event_type, event_time);
CREATE INDEX IF NOT EXISTS audit_trail_time ON audit_trail (event_time);
-- The head of the chain, written with every batch: deleting entries at the end shows.
CREATE TABLE IF NOT EXISTS audit_chain_head (
    id int PRIMARY KEY DEFAULT 1 CHECK (id = 1),
    entries bigint NOT NULL,
    hash text NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now()
);
"""
INSERT = """INSERT INTO audit_trail (event_id, event_type, entity, actor_id, actor_role,
       correlation_id, causation_id, source, event_time, sequence, topic, data,
       prev_hash, hash)
   VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9::text::timestamptz, $10, $11,
       $12::jsonb, $13, $14)"""


def entry_of(event: ReceivedEvent) -> dict[str, Any]:
    """The audit entry of one event, before chaining."""
    e = event.envelope
    return {
        "event_id": e.id,
        "event_type": e.type,
        "entity": e.subject,
        "actor_id": e.actorid,
        "actor_role": e.actorrole,
        "correlation_id": e.correlationid,
        "causation_id": e.causationid,
        "source": e.source,
        "event_time": e.time.astimezone(UTC).isoformat(),
        "sequence": e.sequence,
        "topic": event.topic,
        "data": e.data,
    }


class AuditTrail(Projection):
    """Who did what, to which record, when, under what authority."""

    name = "audit"
    topics = EVENT_TOPICS

    async def create_tables(self, conn: Connection) -> None:
        await conn.execute(DDL)

    async def apply(self, conn: Connection, events: Sequence[ReceivedEvent]) -> None:
        # One writer at a time extends the chain, even if two runners share the schema.
        await conn.execute("SELECT pg_advisory_xact_lock(hashtext('audit_trail'))")
        head = await conn.fetchrow("SELECT entries, hash FROM audit_chain_head")
        if head is None:
            # A trail kept before the head table existed goes on from its newest entry.
            last = await conn.fetchval("SELECT hash FROM audit_trail ORDER BY seq DESC LIMIT 1")
            count = await conn.fetchval("SELECT count(*) FROM audit_trail")
            prev = last or GENESIS
        else:
            prev, count = head["hash"], head["entries"]
        rows = []
        for event in events:
            entry = entry_of(event)
            digest = entry_hash(prev, entry)
            rows.append((*[entry[k] for k in HASHED[:-1]], json.dumps(entry["data"]), prev, digest))
            prev = digest
        await conn.executemany(INSERT, rows)
        await conn.execute(
            """INSERT INTO audit_chain_head (id, entries, hash) VALUES (1, $1, $2)
               ON CONFLICT (id) DO UPDATE SET entries = $1, hash = $2, updated_at = now()""",
            count + len(rows),
            prev,
        )
