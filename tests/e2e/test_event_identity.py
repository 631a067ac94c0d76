"""Event identity (issue 15): each store's id in ``ce_source``; consumers key by source and id.

Aggregate ids come from natural keys, so two stores give different events equal ``ce_id``s;
before store identities a consumer deduplicating by id dropped the second store's events.
"""

import asyncio
import uuid
from datetime import UTC, datetime
from typing import Any

import asyncpg
import httpx
import pytest
from ssp_contracts import CloudEvent
from ssp_contracts.events.staffing import STAFFING

from services.runtime.identity import store_identity
from services.runtime.projection import ReceivedEvent, decode_record
from services.runtime.settings import ServiceSettings
from services.runtime.testing import SeenEvents, bearer, read_all, wait_for
from services.runtime.tracking import TRACKING_DDL, apply_tracked

pytestmark = pytest.mark.stack


def dsn(db: str) -> str:
    """asyncpg DSN of a test database."""
    return ServiceSettings.for_service("admin", db_name=db).pg_dsn


def test_concurrent_first_starts_agree_on_one_store_id(fresh_db: Any) -> None:
    db = fresh_db("identity")

    async def race() -> set[uuid.UUID]:
        conns = [await asyncpg.connect(dsn(db)) for _ in range(8)]
        try:
            ids = await asyncio.gather(*(store_identity(c) for c in conns))
            again = await store_identity(conns[0])
        finally:
            await asyncio.gather(*(c.close() for c in conns))
        return {*ids, again}

    assert len(asyncio.run(race())) == 1


def test_two_stores_with_one_natural_key_publish_distinct_events(
    services: Any, fresh_db: Any
) -> None:
    # Given two staffing stores (say a test's and the demo's) registering the same school
    school = f"S-ID-{uuid.uuid4().hex[:8]}"
    body = {
        "school_id": school,
        "name": "Identity school",
        "borough": "Hackney",
        "phase": "secondary",
        "pupil_count": 900,
        "programme": "safer_schools_partnership",
    }
    sgt = bearer("borough_supervisor", "sgt-identity", borough="Hackney")
    stores = [fresh_db("staffing"), fresh_db("staffing")]
    for db in stores:
        staffing = services("staffing", SSP_STAFFING_DB_NAME=db)
        assert httpx.post(f"{staffing.url}/schools", json=body, headers=sgt).status_code == 201

    def registered() -> list[ReceivedEvent]:
        events = [decode_record(r) for r in read_all(STAFFING)]
        mine = [
            e
            for e in events
            if e.envelope.subject and getattr(e.payload, "school_id", "") == school
        ]
        return mine if len(mine) == 2 else []

    # Then the two events share an id (the aggregate's) but each names its own store
    first, second = wait_for(registered, timeout=60, what="both stores' events on Kafka")
    assert first.envelope.id == second.envelope.id
    assert first.envelope.source != second.envelope.source
    for event in (first, second):
        assert event.envelope.source.startswith("/ssp/staffing/")

    # and a consumer keyed by (ce_source, ce_id) applies both, and each only once
    reader = fresh_db("reader")

    async def consume() -> list[tuple[str, str]]:
        conn = await asyncpg.connect(dsn(reader))
        try:
            await conn.execute(TRACKING_DDL)
            await SeenEvents().create_tables(conn)
            for _ in range(2):  # a redelivery
                async with conn.transaction():
                    await apply_tracked(conn, "seen", [SeenEvents()], [first, second])
            return [tuple(r) for r in await conn.fetch("SELECT source, event_id FROM seen")]
        finally:
            await conn.close()

    assert sorted(asyncio.run(consume())) == sorted(
        (e.envelope.source, e.envelope.id) for e in (first, second)
    )


def test_tracking_tables_kept_by_id_alone_are_migrated(fresh_db: Any) -> None:
    db = fresh_db("tracking")
    legacy = CloudEvent(
        id="agg-1/1", source="/ssp/staffing", type="uk.police.ssp.staffing.school_registered.v1",
        time=datetime(2026, 1, 5, 9, tzinfo=UTC), subject="agg-1", actorid="a", actorrole="r",
        correlationid="c", sequence=1, dataschema="x", data={},
    )  # fmt: skip
    store = f"/ssp/staffing/{uuid.uuid4()}"

    def received(envelope: CloudEvent) -> ReceivedEvent:
        return ReceivedEvent(envelope, None, STAFFING, 0, 0)  # type: ignore[arg-type]

    async def migrate() -> list[ReceivedEvent]:
        conn = await asyncpg.connect(dsn(db))
        try:
            # Given the table as it was, with an event applied by id alone
            await conn.execute(
                "CREATE TABLE ssp_processed_events (runner text NOT NULL,"
                " event_id text NOT NULL, PRIMARY KEY (runner, event_id));"
                "INSERT INTO ssp_processed_events VALUES ('seen', 'agg-1/1')"
            )
            # When the runner starts (twice: the migration runs once)
            await conn.execute(TRACKING_DDL)
            await conn.execute(TRACKING_DDL)
            await SeenEvents().create_tables(conn)
            # Then the old event redelivered is still known; another store's same id is new
            newer = legacy.model_copy(update={"source": store})
            async with conn.transaction():
                return await apply_tracked(
                    conn, "seen", [SeenEvents()], [received(legacy), received(newer)]
                )
        finally:
            await conn.close()

    fresh = asyncio.run(migrate())
    assert [e.envelope.source for e in fresh] == [store]
