"""The database connection cut mid-stream: the batch is redelivered, nothing is dead-lettered."""

import asyncio
import time
import uuid
from typing import Any

import asyncpg
import pytest
from kafka import KafkaProducer
from ssp_contracts.topics import kafka_topic

from services.runtime.dlq import dead_letter, origin_of
from services.runtime.kafka_security import kafka_client
from services.runtime.settings import ServiceSettings
from services.runtime.testing import read_all, wait_for
from services.runtime.topic_ends import start_runners_at_end
from tests.reliability.test_dead_letters import TOPIC, canary

pytestmark = pytest.mark.stack
EVENTS = 30_000


async def _sql(dsn: str, query: str, *args: Any) -> Any:
    conn = await asyncpg.connect(dsn)
    try:
        return await conn.fetchval(query, *args)
    finally:
        await conn.close()


def test_a_lost_database_connection_delays_but_loses_nothing(services: Any, fresh_db: Any) -> None:
    # Given canary events on Kafka for a projection that starts after older history
    db = fresh_db("outage")
    start_runners_at_end(db, {"selftest.canary": [TOPIC]})
    run_id, subject = uuid.uuid4().hex, f"canary-{uuid.uuid4().hex}"
    settings = ServiceSettings.for_service("selftest", db_name=db)
    producer = KafkaProducer(linger_ms=5, **kafka_client("selftest").kafka_python())
    for step in range(1, EVENTS + 1):
        event = canary(subject, step, run_id)
        producer.send(
            kafka_topic(TOPIC),
            key=event.kafka_key(),
            value=event.kafka_value(),
            headers=event.kafka_headers(),
        )
    producer.flush()
    producer.close()
    services(
        "selftest",
        SSP_SELFTEST_DB_NAME=db,
        SSP_SELFTEST_RELAY_ENABLED="false",
        SSP_SELFTEST_CONSUMER_GROUP_SUFFIX=f".{uuid.uuid4().hex[:8]}",
    )

    def applied() -> int:
        return int(
            asyncio.run(
                _sql(
                    settings.pg_dsn,
                    "SELECT CASE WHEN to_regclass('selftest_canary') IS NULL THEN 0 ELSE"
                    " (SELECT count(*) FROM selftest_canary WHERE subject = $1) END",
                    subject,
                )
            )
        )

    # When its database refuses connections for a few seconds while it is applying them
    wait_for(lambda: applied() > 0, timeout=60, every=0.02, what="the first batch")
    admin = ServiceSettings.for_service("admin", db_name="postgres").pg_dsn
    terminate = "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = $1"
    asyncio.run(_sql(admin, f'ALTER DATABASE "{db}" ALLOW_CONNECTIONS false'))
    cut, deadline = 0, time.monotonic() + 4
    while time.monotonic() < deadline:  # and cuts whatever was open or gets through
        cut += asyncio.run(_sql(admin, terminate, db))
        time.sleep(0.05)
    asyncio.run(_sql(admin, f'ALTER DATABASE "{db}" ALLOW_CONNECTIONS true'))
    assert cut > 0
    assert applied() < EVENTS, "the outage must land mid-stream"

    # Then every event is applied exactly once after the service reconnects
    wait_for(lambda: applied() >= EVENTS, timeout=120, what="all events after the outage")
    distinct = asyncio.run(
        _sql(
            settings.pg_dsn,
            "SELECT count(DISTINCT event_id) FROM selftest_canary WHERE subject = $1",
            subject,
        )
    )
    assert (applied(), distinct) == (EVENTS, EVENTS)
    # And none of them was dead-lettered for the outage
    ours = {
        origin_of(r.topic, r.partition, r.offset)
        for r in read_all(TOPIC)
        if r.key == subject.encode()
    }
    letters = [dead_letter(r) for r in read_all(TOPIC + ".dlq")]
    assert not [x for x in letters if origin_of(x["topic"], x["partition"], x["offset"]) in ours]
