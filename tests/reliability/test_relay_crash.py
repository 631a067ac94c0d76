"""The relay killed with SIGKILL mid-batch loses nothing and keeps per-aggregate order."""

import asyncio
import os
import signal
import subprocess
import sys
import uuid
from typing import Any

import asyncpg
import pytest
from ssp_contracts import CloudEvent

from services.runtime.eventstore import open_application
from services.runtime.selftest import SelfTestApplication
from services.runtime.settings import ServiceSettings
from services.runtime.testing import read_all, state_dir, wait_for
from tests.reliability.relay_helpers import assert_complete_and_ordered

pytestmark = pytest.mark.stack

AGGREGATES, STEPS = 500, 10  # 5,000 events


def start_relay(db: str, until_caught_up: bool = False) -> subprocess.Popen[bytes]:
    """The selftest service's relay as its own process, in small batches."""
    env = {**os.environ, "SSP_SELFTEST_RELAY_BATCH_SIZE": "100"}
    args = [sys.executable, "-m", "services.cli.main", "relay", "run", "selftest", "--db", db]
    log = open(state_dir() / "test-logs" / f"relay-{db}.log", "ab")  # noqa: SIM115
    return subprocess.Popen(
        args + (["--until-caught-up"] if until_caught_up else []),
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )


def relay_position(dsn: str) -> int:
    """The position the relay has recorded (0 before its first batch)."""

    async def read() -> int:
        conn = await asyncpg.connect(dsn)
        try:
            exists = await conn.fetchval("SELECT to_regclass('ssp_relay_position') IS NOT NULL")
            value = (
                await conn.fetchval("SELECT max(position) FROM ssp_relay_position") if exists else 0
            )
            return int(value or 0)
        finally:
            await conn.close()

    return asyncio.run(read())


def test_relay_resumes_after_sigkill_without_losing_an_event(fresh_db: Any) -> None:
    # Given 5,000 canary events in a fresh event store
    db = fresh_db("relay")
    settings = ServiceSettings.for_service("selftest", db_name=db)
    (state_dir() / "test-logs").mkdir(parents=True, exist_ok=True)
    run_id = uuid.uuid4().hex
    app = open_application(SelfTestApplication, settings)
    ids = {str(i) for i in app.write(run_id, AGGREGATES, STEPS, note="x" * 200)}
    app.close()

    # When the relay is killed with SIGKILL in the middle of publishing them
    relay = start_relay(db)
    wait_for(
        lambda: relay_position(settings.pg_dsn) >= 1000,
        timeout=120,
        every=0.05,
        what="the relay to publish some batches",
    )
    relay.send_signal(signal.SIGKILL)
    relay.wait()
    killed_at = relay_position(settings.pg_dsn)
    assert 0 < killed_at < AGGREGATES * STEPS, "the kill must land mid-stream"

    # And restarted until it has caught up
    assert start_relay(db, until_caught_up=True).wait(timeout=300) == 0
    assert relay_position(settings.pg_dsn) == AGGREGATES * STEPS

    # Then every event reached Kafka: after dropping duplicates by ce_id each appears once
    records = [r for r in read_all("ssp.platform.selftest") if r.key.decode() in ids]
    events = [CloudEvent.from_kafka(r.headers, r.value) for r in records]
    assert len({e.id for e in events}) == AGGREGATES * STEPS
    # And each aggregate's events arrive in version order (first copies, in offset order)
    assert_complete_and_ordered(events, AGGREGATES, STEPS)
