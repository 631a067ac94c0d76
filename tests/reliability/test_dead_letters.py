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

from services.runtime.dlq import (
    ORIGIN_HEADER,
    REASON_HEADER,
    RUNNER_HEADER,
    dead_letter,
    origin_of,
)
from services.runtime.kafka_security import POISON, kafka_client
from services.runtime.settings import ServiceSettings
from services.runtime.testing import cloud_event, read_all, wait_for
from services.runtime.topic_ends import start_runners_at_end

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


def send(producer: KafkaProducer, key: str, value: bytes, headers: list[tuple[str, bytes]]) -> str:
    """Send one message; return where it landed (``<topic>/<partition>/<offset>``)."""
    sent = producer.send(kafka_topic(TOPIC), key=key.encode(), value=value, headers=headers)
    meta = sent.get(timeout=30)
    return origin_of(meta.topic, meta.partition, meta.offset)


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
    start_runners_at_end(db, {"selftest.canary": [TOPIC]})  # this test's messages only

    # Given a good event, a malformed one, one of an unknown type, then another good one
    send(producer, subject, good.kafka_value(), good.kafka_headers())
    malformed = send(producer, subject, b"{not json", canary(subject, 2, run_id).kafka_headers())
    unknown = [
        (k, b"uk.police.ssp.platform.never_heard_of.v1" if k == "ce_type" else v)
        for k, v in canary(subject, 3, run_id).kafka_headers()
    ]
    of_unknown_type = send(producer, subject, json.dumps({"run_id": run_id}).encode(), unknown)
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

    # And both bad messages are noted on the dead-letter topic: where they are and why, and
    # nothing of the message (no value, key or headers of its own)
    def dead_letters() -> dict[str, dict[str, Any]]:
        found = {}
        for record in read_all(TOPIC + ".dlq"):
            letter = dead_letter(record)
            origin = origin_of(letter["topic"], letter["partition"], letter["offset"])
            if origin in (malformed, of_unknown_type):
                assert record.key is None
                # (FastStream adds its own content-type and a message id of its own making)
                names = {k for k, _ in record.headers} - {"content-type", "correlation_id"}
                assert names == {REASON_HEADER, ORIGIN_HEADER, RUNNER_HEADER}
                assert set(json.loads(record.value)) == {"topic", "partition", "offset", "error"}
                assert run_id.encode() not in record.value
                found[origin] = letter
        return found if len(found) == 2 else {}

    letters = wait_for(dead_letters, timeout=30, what="two dead letters")
    assert letters[malformed]["error"].startswith("decode: value is not JSON")
    assert letters[malformed]["runner"] == "selftest.canary"
    assert "unknown event type" in letters[of_unknown_type]["error"]
