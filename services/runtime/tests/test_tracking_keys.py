"""The tracking table's key: one digest of (runner, ce_source, ce_id), its migration, and
the runner's recording of a batch's keys while the batch is validated."""

import asyncio
import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any, TypeVar

import asyncpg
import pytest
from aiokafka import ConsumerRecord
from ssp_contracts import CloudEvent
from ssp_contracts.events.staffing import STAFFING

from services.runtime.key_claims import KeyClaim
from services.runtime.projection import ReceivedEvent
from services.runtime.settings import ServiceSettings
from services.runtime.testing import SeenEvents
from services.runtime.tracking import TRACKING_DDL, apply_tracked, event_key

pytestmark = pytest.mark.stack

T = TypeVar("T")
STORE_A = f"/ssp/staffing/{uuid.uuid4()}"
STORE_B = f"/ssp/staffing/{uuid.uuid4()}"


def received(source: str, event_id: str) -> ReceivedEvent:
    """An event of ``source`` with id ``event_id`` (the tracking reads only those two)."""
    envelope = CloudEvent(
        id=event_id, source=source, type="uk.police.ssp.staffing.school_registered.v1",
        time=datetime(2026, 1, 5, 9, tzinfo=UTC), subject="agg", actorid="a", actorrole="r",
        correlationid="c", sequence=1, dataschema="x", data={},
    )  # fmt: skip
    return ReceivedEvent(envelope, None, STAFFING, 0, 0)  # type: ignore[arg-type]


def in_db(db: str, work: Callable[[asyncpg.Connection], Awaitable[T]]) -> T:
    """Run ``work`` on a connection to the test database ``db``."""

    async def run() -> T:
        conn = await asyncpg.connect(ServiceSettings.for_service("admin", db_name=db).pg_dsn)
        try:
            return await work(conn)
        finally:
            await conn.close()

    return asyncio.run(run())


async def track(conn: asyncpg.Connection, events: list[ReceivedEvent]) -> list[tuple[str, str]]:
    """Apply ``events`` as runner "seen" in one transaction; the (source, id) applied."""
    async with conn.transaction():
        fresh = await apply_tracked(conn, "seen", [SeenEvents()], events)
    return [(e.envelope.source, e.envelope.id) for e in fresh]


def test_same_source_and_id_is_dropped_and_other_sources_kept(fresh_db: Any) -> None:
    async def work(conn: asyncpg.Connection) -> list[list[tuple[str, str]]]:
        await conn.execute(TRACKING_DDL)
        await SeenEvents().create_tables(conn)
        return [
            # one store's event, twice in a batch, and another store's with the same id
            await track(conn, [received(STORE_A, "agg/1")] * 2 + [received(STORE_B, "agg/1")]),
            # redelivered later: both known
            await track(conn, [received(STORE_A, "agg/1"), received(STORE_B, "agg/1")]),
        ]

    first, again = in_db(fresh_db("keys"), work)
    assert first == [(STORE_A, "agg/1"), (STORE_B, "agg/1")]
    assert again == []


def test_key_is_the_digest_of_runner_source_and_id(fresh_db: Any) -> None:
    async def work(conn: asyncpg.Connection) -> list[asyncpg.Record]:
        await conn.execute(TRACKING_DDL)
        await SeenEvents().create_tables(conn)
        await track(conn, [received(STORE_A, "agg/1"), received("/ssp/staffing", "agg/2")])
        return await conn.fetch(
            "SELECT runner, source, event_id, key FROM ssp_processed_events ORDER BY event_id"
        )

    rows = in_db(fresh_db("keys"), work)
    # (events from before store identities keep source '', identity.dedup_source)
    assert [(r["runner"], r["source"], r["event_id"]) for r in rows] == [
        ("seen", STORE_A, "agg/1"),
        ("seen", "", "agg/2"),
    ]
    assert [r["key"].hex for r in rows] == [
        event_key("seen", STORE_A, "agg/1"),
        event_key("seen", "", "agg/2"),
    ]
    # the separators keep triples that join to the same text apart
    assert event_key("a", "b/c", "d") != event_key("a", "b", "c/d")


def test_tables_keyed_by_three_texts_are_migrated(fresh_db: Any) -> None:
    async def work(conn: asyncpg.Connection) -> tuple[list[tuple[str, str]], list[Any], Any]:
        # Given the table as it was, keyed by (runner, source, event_id), with applied events
        await conn.execute(
            "CREATE TABLE ssp_processed_events (runner text NOT NULL, source text NOT NULL,"
            " event_id text NOT NULL, PRIMARY KEY (runner, source, event_id));"
            f"INSERT INTO ssp_processed_events VALUES ('seen', '{STORE_A}', 'agg/1'),"
            " ('seen', '', 'agg/2'), ('other', '', 'agg/2')"
        )
        # When runners start (twice: the migration runs once)
        await conn.execute(TRACKING_DDL)
        await conn.execute(TRACKING_DDL)
        await SeenEvents().create_tables(conn)
        # Then the applied events redelivered are dropped; another store's same id is new
        fresh = await track(
            conn,
            [
                received(STORE_A, "agg/1"),
                received("/ssp/staffing", "agg/2"),
                received(STORE_B, "agg/1"),
            ],
        )
        keys = await conn.fetch("SELECT runner, source, event_id, key FROM ssp_processed_events")
        primary = await conn.fetchval(
            "SELECT pg_get_constraintdef(oid) FROM pg_constraint"
            " WHERE conrelid = 'ssp_processed_events'::regclass AND contype = 'p'"
        )
        return fresh, keys, primary

    fresh, rows, primary = in_db(fresh_db("keys"), work)
    assert fresh == [(STORE_B, "agg/1")]
    assert primary == "PRIMARY KEY (key)"
    # every row, old and new, carries the digest the runner computes
    assert len(rows) == 4
    for row in rows:
        assert row["key"].hex == event_key(row["runner"], row["source"], row["event_id"])


def record(source: str, event_id: str, offset: int) -> ConsumerRecord[bytes, bytes]:
    """A Kafka record carrying only the headers a key is made of."""
    headers = (("ce_source", source.encode()), ("ce_id", event_id.encode()))
    return ConsumerRecord(STAFFING, 0, offset, 0, 0, None, b"{}", None, 0, 2, headers)


def test_keys_recorded_before_validation_keep_only_valid_events(fresh_db: Any) -> None:
    # Given a batch: a valid event, a record of another store with the same id that fails
    # validation, and the valid event again
    # (and a record whose id no text column can hold, which must not fail the others' keys)
    batch = [
        record(STORE_A, "agg/1", 0),
        record(STORE_B, "agg/1", 1),
        record(STORE_A, "agg/1", 2),
        record(STORE_B, "agg/\0", 3),
    ]
    valid = [received(STORE_A, "agg/1"), received(STORE_A, "agg/1")]

    async def work(conn: asyncpg.Connection) -> tuple[list[tuple[str, str]], ...]:
        await conn.execute(TRACKING_DDL)
        await SeenEvents().create_tables(conn)
        # When the runner records the batch's keys while it validates, then applies
        async with conn.transaction():
            claim = await KeyClaim.send(conn, "seen", batch)
            fresh = await claim.apply([SeenEvents()], valid)
        # and the other store's event arrives valid later
        later = await track(conn, [received(STORE_B, "agg/1")])
        seen = [tuple(r) for r in await conn.fetch("SELECT source, event_id FROM seen")]
        return [(e.envelope.source, e.envelope.id) for e in fresh], later, seen

    fresh, later, seen = in_db(fresh_db("keys"), work)
    # Then the valid event is applied once, and the bad record's key did not hide the good one
    assert fresh == [(STORE_A, "agg/1")]
    assert later == [(STORE_B, "agg/1")]
    assert sorted(seen) == sorted([(STORE_A, "agg/1"), (STORE_B, "agg/1")])
