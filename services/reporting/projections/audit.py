"""The audit trail: every event of every topic, each entry hash-chained to the one before.

The trail is only ever appended to: entries and chain heads are inserted, never updated or
deleted, so the reporting role needs INSERT and SELECT on these tables and nothing more.
"""

import json
from collections.abc import Sequence
from datetime import UTC
from typing import Any

import asyncpg
from ssp_contracts.topics import EVENT_TOPICS

from services.reporting.chain import GENESIS, HASH_VERSION, HASHED, entry_hash
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
-- Version 2 (canonical hashing): entries recorded before it keep version 1 and verify as such.
-- (Altered only when missing: a role that may only insert and select can run this DDL.)
DO $$ BEGIN
    IF NOT EXISTS (
        SELECT 1 FROM information_schema.columns WHERE table_schema = current_schema()
        AND table_name = 'audit_trail' AND column_name = 'hash_version')
    THEN ALTER TABLE audit_trail
        ADD COLUMN hash_version smallint NOT NULL DEFAULT 1,
        ADD COLUMN kafka_partition int,
        ADD COLUMN kafka_offset bigint;
    END IF;
END $$;
-- An event id is unique within the store its source names, not across stores.
CREATE UNIQUE INDEX IF NOT EXISTS audit_trail_source_event ON audit_trail (source, event_id);
DO $$ BEGIN
    IF EXISTS (
        SELECT 1 FROM pg_constraint WHERE conname = 'audit_trail_event_id_key'
        AND conrelid = 'audit_trail'::regclass)
    THEN ALTER TABLE audit_trail DROP CONSTRAINT audit_trail_event_id_key;
    END IF;
END $$;
CREATE INDEX IF NOT EXISTS audit_trail_entity ON audit_trail (entity, seq);
CREATE INDEX IF NOT EXISTS audit_trail_actor ON audit_trail (actor_id, seq);
CREATE INDEX IF NOT EXISTS audit_trail_type_time ON audit_trail (event_type, event_time);
CREATE INDEX IF NOT EXISTS audit_trail_time ON audit_trail (event_time);
-- The single-row head of earlier versions was updated in place; it is kept, renamed, as the
-- starting point of the append-only heads below.
DO $$ BEGIN
    IF to_regclass('audit_chain_head') IS NOT NULL AND NOT EXISTS (
        SELECT 1 FROM information_schema.columns WHERE table_schema = current_schema()
        AND table_name = 'audit_chain_head' AND column_name = 'last_seq')
    THEN ALTER TABLE audit_chain_head RENAME TO audit_chain_head_v1;
    END IF;
END $$;
-- One row per applied batch (and per new epoch): the newest is the head; deleting entries at
-- the end shows.
CREATE TABLE IF NOT EXISTS audit_chain_head (
    id bigserial PRIMARY KEY,
    entries bigint NOT NULL,
    last_seq bigint NOT NULL,
    hash text NOT NULL,
    recorded_at timestamptz NOT NULL DEFAULT now()
);
-- The trail's identity, named in its signed checkpoints; a rebuilt trail adds a new epoch.
-- Epoch 0 starts at the genesis; a later one after seq after_seq, at its own genesis hash.
CREATE TABLE IF NOT EXISTS audit_epochs (
    epoch int PRIMARY KEY,
    trail_id uuid NOT NULL,
    after_seq bigint NOT NULL DEFAULT 0,
    entries bigint NOT NULL DEFAULT 0,
    previous_hash text,
    recorded_head text,
    started_at timestamptz NOT NULL DEFAULT date_trunc('second', now()),
    genesis text
);
INSERT INTO audit_epochs (epoch, trail_id)
    SELECT 0, gen_random_uuid() WHERE NOT EXISTS (SELECT 1 FROM audit_epochs);
-- Every checkpoint signed, as published on ssp.audit.checkpoints (the published copy is the
-- anchor; this one is for exports and for the next checkpoint to chain on from).
CREATE TABLE IF NOT EXISTS audit_checkpoints (
    number bigint PRIMARY KEY,
    entries bigint NOT NULL,
    last_seq bigint NOT NULL,
    signed_at timestamptz NOT NULL,
    body jsonb NOT NULL
);
"""
INSERT = """INSERT INTO audit_trail (event_id, event_type, entity, actor_id, actor_role,
       correlation_id, causation_id, source, event_time, sequence, topic, data,
       kafka_partition, kafka_offset, hash_version, prev_hash, hash)
   VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9::text::timestamptz, $10, $11,
       $12::jsonb, $13, $14, $15, $16, $17)"""
# The hashed fields an entry stores in columns of their own (``data`` goes in as jsonb).
COLUMNS = HASHED[:-1]


class TrailHalted(asyncpg.exceptions.OperatorInterventionError):
    """The trail's end does not match its recorded head: nothing is appended until resolved.

    An operator-intervention error, so the runner retries the batch instead of dead-lettering
    it: extending a trail whose head is gone would launder whatever was removed.
    """


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
        "kafka_partition": event.partition,
        "kafka_offset": event.offset,
    }


async def chain_end(conn: Connection) -> tuple[int, int, str]:
    """(entries, last seq, hash) the next entry chains on from; raises TrailHalted."""
    head = await conn.fetchrow(
        "SELECT entries, last_seq, hash FROM audit_chain_head ORDER BY id DESC LIMIT 1"
    )
    last = await conn.fetchrow("SELECT seq, hash FROM audit_trail ORDER BY seq DESC LIMIT 1")
    if head is None and await conn.fetchval("SELECT to_regclass('audit_chain_head_v1')"):
        # Upgrading from the single-row head: carry on from it once, if it matches the trail.
        old = await conn.fetchrow("SELECT entries, hash FROM audit_chain_head_v1")
        if old is not None and last is not None and old["hash"] == last["hash"]:
            return old["entries"], last["seq"], old["hash"]
    if head is None:
        if last is None:
            return 0, 0, GENESIS
        raise TrailHalted(
            f"audit trail halted: entries exist up to seq {last['seq']} but no chain head is"
            " recorded (the head was deleted); run `ssp audit verify --checkpoints`"
        )
    end = (last["seq"], last["hash"]) if last else (0, GENESIS)
    if end != (head["last_seq"], head["hash"]):
        # A new epoch's head is its genesis, recorded after the entry it starts after.
        genesis = await conn.fetchval(
            "SELECT genesis FROM audit_epochs WHERE after_seq = $1 ORDER BY epoch DESC LIMIT 1",
            end[0],
        )
        if (head["last_seq"], head["hash"]) != (end[0], genesis):
            raise TrailHalted(
                f"audit trail halted: the recorded head is entry {head['entries']} (seq"
                f" {head['last_seq']}) but the trail ends at seq {end[0]} (entries at the end"
                " were deleted or added outside the projection); see `ssp audit new-epoch`"
            )
    return head["entries"], head["last_seq"], head["hash"]


class AuditTrail(Projection):
    """Who did what, to which record, when, under what authority."""

    name = "audit"
    topics = EVENT_TOPICS

    async def create_tables(self, conn: Connection) -> None:
        await conn.execute(DDL)

    async def apply(self, conn: Connection, events: Sequence[ReceivedEvent]) -> None:
        if not events:
            return
        # One writer at a time extends the chain, even if two runners share the schema.
        await conn.execute("SELECT pg_advisory_xact_lock(hashtext('audit_trail'))")
        count, _, prev = await chain_end(conn)
        rows = []
        for event in events:
            entry = entry_of(event)
            digest = entry_hash(prev, entry)
            rows.append(
                (
                    *[entry[k] for k in COLUMNS],
                    json.dumps(entry["data"]),
                    event.partition,
                    event.offset,
                    HASH_VERSION,
                    prev,
                    digest,
                )
            )
            prev = digest
        await conn.executemany(INSERT, rows)
        # Under the lock, the newest entry is the last one inserted here.
        last_seq = await conn.fetchval("SELECT max(seq) FROM audit_trail")
        await conn.execute(
            "INSERT INTO audit_chain_head (entries, last_seq, hash) VALUES ($1, $2, $3)",
            count + len(events),
            last_seq,
            prev,
        )
