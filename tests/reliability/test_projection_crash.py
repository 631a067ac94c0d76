"""A projection killed with SIGKILL while consuming applies each event exactly once."""

import asyncio
import signal
import uuid
from typing import Any

import asyncpg
import pytest

from services.runtime.eventstore import open_application
from services.runtime.relay import OutboxRelay
from services.runtime.selftest import SelfTestApplication, translator
from services.runtime.settings import ServiceSettings
from services.runtime.testing import wait_for
from services.runtime.topic_ends import start_runners_at_end

pytestmark = pytest.mark.stack

AGGREGATES, STEPS = 2000, 10  # 20,000 events


def canary_counts(dsn: str, subjects: set[str]) -> tuple[int, int]:
    """(rows, distinct event ids) the canary projection holds for this run's aggregates."""

    async def read() -> tuple[int, int]:
        conn = await asyncpg.connect(dsn)
        try:
            if not await conn.fetchval("SELECT to_regclass('selftest_canary') IS NOT NULL"):
                return 0, 0
            row = await conn.fetchrow(
                "SELECT count(*) AS n, count(DISTINCT event_id) AS d FROM selftest_canary"
                " WHERE subject = ANY($1::text[])",
                list(subjects),
            )
            assert row is not None  # count(*) always answers one row
            return int(row["n"]), int(row["d"])
        finally:
            await conn.close()

    return asyncio.run(read())


async def publish(settings: ServiceSettings, app: SelfTestApplication) -> None:
    relay = OutboxRelay(app, translator, settings)
    await relay.start()
    try:
        await relay.run_until_caught_up()
    finally:
        await relay.stop()


def test_projection_applies_each_event_once_across_a_sigkill(services: Any, fresh_db: Any) -> None:
    # Given 20,000 canary events on Kafka, after whatever the topic held before
    db = fresh_db("canaryview")
    start_runners_at_end(db, {"selftest.canary": ["ssp.platform.selftest"]})
    store = ServiceSettings.for_service("selftest", db_name=fresh_db("canarystore"))
    app = open_application(SelfTestApplication, store)
    ids = {str(i) for i in app.write(uuid.uuid4().hex, AGGREGATES, STEPS)}
    asyncio.run(publish(store, app))
    app.close()
    total = AGGREGATES * STEPS

    # When the projection is killed with SIGKILL while it consumes them
    env = {
        "SSP_SELFTEST_DB_NAME": db,
        "SSP_SELFTEST_RELAY_ENABLED": "false",
        "SSP_SELFTEST_CONSUMER_GROUP_SUFFIX": f".{uuid.uuid4().hex[:8]}",
    }
    dsn = ServiceSettings.for_service("selftest", db_name=db).pg_dsn
    projection = services("selftest", **env)
    wait_for(
        lambda: canary_counts(dsn, ids)[0] > 0,
        timeout=120,
        every=0.02,
        what="the projection to start applying",
    )
    projection.kill(signal.SIGKILL)
    applied_before_kill = canary_counts(dsn, ids)[0]
    assert applied_before_kill < total, "the kill must land mid-stream"

    # And restarted
    services("selftest", **env)

    # Then the read model holds every event exactly once
    wait_for(lambda: canary_counts(dsn, ids)[0] >= total, timeout=180, what="all events applied")
    assert canary_counts(dsn, ids) == (total, total)
