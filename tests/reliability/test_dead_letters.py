"""Malformed and unknown messages go to the dead-letter topic; the consumer carries on."""

import asyncio
import json
import uuid
from typing import Any

import asyncpg
import pytest
from kafka import KafkaProducer
from ssp_contracts import CloudEvent
from ssp_contracts.events.platform import SelfTestTicked
from ssp_contracts.topics import kafka_topic

from services.runtime.dlq import REASON_HEADER
from services.runtime.kafka_security import POISON, kafka_client
from services.runtime.settings import ServiceSettings
from services.runtime.testing import cloud_event, read_all, start_at_end, wait_for

pytestmark = pytest.mark.stack
TOPIC = "ssp.platform.selftest"


def canary(subject: str, step: int, run_id: str) -> CloudEvent:
    """A valid canary CloudEvent."""
    payload = SelfTestTicked(run_id=run_id, step=step)
    return cloud_event(
        payload,
        subject,
        source="/ssp/selftest",
        actor=("tester", "service"),
        sequence=step,
        correlation_id=run_id,
    )


def send(producer: KafkaProducer, key: str, value: bytes, headers: list[tuple[str, bytes]]) -> None:
    producer.send(kafka_topic(TOPIC), key=key.encode(), value=value, headers=headers).get(
        timeout=30
    )


def applied(dsn: str, subject: str) -> list[int]:
    async def read() -> list[int]:
        conn = await asyncpg.connect(dsn)
        try:
            if not await conn.fetchval("SELECT to_regclass('selftest_canary') IS NOT NULL"):
                return []
            rows = await conn.fetch(
                "SELECT step FROM selftest_canary WHERE subject = $1 ORDER BY step", subject
            )
            return [r["step"] for r in rows]
        finally:
            await conn.close()

    return asyncio.run(read())


def test_bad_messages_are_dead_lettered_and_good_ones_still_applied(
    services: Any, fresh_db: Any
) -> None:
    settings = ServiceSettings.for_service("selftest")
    # Poison comes from the test-only principal that may write any event topic.
    producer = KafkaProducer(**kafka_client(POISON, settings.kafka_bootstrap).kafka_python())
    run_id, subject = uuid.uuid4().hex, f"canary-{uuid.uuid4().hex}"
    good = canary(subject, 1, run_id)
    db = fresh_db("dlq")
    start_at_end(db, "selftest.canary", TOPIC)  # this test's messages only

    # Given a good event, a malformed one, one of an unknown type, then another good one
    send(producer, subject, good.kafka_value(), good.kafka_headers())
    send(producer, subject, b"{not json", canary(subject, 2, run_id).kafka_headers())
    unknown = [
        (k, b"uk.police.ssp.platform.never_heard_of.v1" if k == "ce_type" else v)
        for k, v in canary(subject, 3, run_id).kafka_headers()
    ]
    send(producer, subject, json.dumps({"run_id": run_id}).encode(), unknown)
    last = canary(subject, 4, run_id)
    send(producer, subject, last.kafka_value(), last.kafka_headers())
    producer.close()

    # When the projection consumes the topic
    services(
        "selftest",
        SSP_SELFTEST_DB_NAME=db,
        SSP_SELFTEST_RELAY_ENABLED="false",
        SSP_SELFTEST_CONSUMER_GROUP_SUFFIX=f".{uuid.uuid4().hex[:8]}",
    )

    # Then the good events are applied, in spite of the bad ones between them
    dsn = ServiceSettings.for_service("selftest", db_name=db).pg_dsn
    assert wait_for(lambda: applied(dsn, subject) == [1, 4], timeout=60, what="good events")

    # And both bad messages are on the dead-letter topic, each with its reason
    def dead_letters() -> dict[str, str]:
        found = {}
        for record in read_all(TOPIC + ".dlq"):
            if record.key == subject.encode():
                headers = dict(record.headers)
                found[headers["ce_type"].decode()] = headers[REASON_HEADER].decode()
        return found if len(found) == 2 else {}

    reasons = wait_for(dead_letters, timeout=30, what="two dead letters")
    assert reasons[SelfTestTicked.event_type].startswith("decode: value is not JSON")
    assert "unknown event type" in reasons["uk.police.ssp.platform.never_heard_of.v1"]
