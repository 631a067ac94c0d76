"""A fresh runner resumes from the offsets stored with its read model, not from the group's.

Suspected: ``_ResumeFromStoredOffsets`` skips the seek when the subscriber has no consumer
yet, so a runner whose consumer group is new would read from the earliest offset and apply
older history. FastStream sets the consumer before it subscribes, so the seek happens; this
test keeps it so: the older events are on the topic, the group is new, and only what came
after the stored offsets is applied.
"""

import uuid
from typing import Any

import pytest
from kafka import KafkaProducer
from ssp_contracts.topics import kafka_topic

from services.runtime.kafka_security import kafka_client
from services.runtime.settings import ServiceSettings
from services.runtime.testing import wait_for
from services.runtime.topic_ends import start_runners_at_end
from tests.reliability.test_dead_letters import TOPIC, applied, canary

pytestmark = pytest.mark.stack


def test_a_fresh_runner_does_not_apply_history_before_its_stored_offsets(
    services: Any, fresh_db: Any
) -> None:
    settings = ServiceSettings.for_service("selftest")
    run_id, subject = uuid.uuid4().hex, f"canary-{uuid.uuid4().hex}"
    client = kafka_client("selftest", settings.kafka_bootstrap).kafka_python()
    producer = KafkaProducer(acks="all", **client)

    def send(step: int) -> None:
        e = canary(subject, step, run_id)
        producer.send(
            kafka_topic(TOPIC), key=e.kafka_key(), value=e.kafka_value(), headers=e.kafka_headers()
        ).get(timeout=30)

    # Given older history, then offsets stored at the end, then newer events
    for step in (1, 2, 3):
        send(step)
    db = fresh_db("resume")
    start_runners_at_end(db, {"selftest.canary": [TOPIC]})
    for step in (4, 5):
        send(step)
    producer.close()

    # When the runner starts with a consumer group Kafka has never seen (earliest by default)
    services(
        "selftest",
        SSP_SELFTEST_DB_NAME=db,
        SSP_SELFTEST_RELAY_ENABLED="false",
        SSP_SELFTEST_CONSUMER_GROUP_SUFFIX=f".{uuid.uuid4().hex[:8]}",
    )
    dsn = ServiceSettings.for_service("selftest", db_name=db).pg_dsn

    # Then it applies the newer events and none of the older ones
    wait_for(lambda: applied(dsn, subject) == [4, 5], timeout=60, what="steps 4 and 5 only")
