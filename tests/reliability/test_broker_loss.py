"""Replication 3 and min.insync.replicas 2: a broker killed under acks=all load loses nothing.

Needs the three-broker stack (``make durability`` starts it: ``make up BROKERS=3``); skipped on
the single broker of ``make test``.
"""

import logging
import os
import signal
import subprocess
import threading
import uuid
from pathlib import Path
from typing import Any

import pytest
from kafka import KafkaAdminClient, KafkaConsumer, KafkaProducer, TopicPartition
from kafka.admin import ConfigResource, ConfigResourceType
from ssp_contracts import TOPICS
from ssp_contracts.events.platform import SelfTestTicked
from ssp_contracts.topics import kafka_topic

from services.runtime.kafka_security import ADMIN, AUDITOR, kafka_client
from services.runtime.settings import REPO_ROOT, state_dir
from services.runtime.testing import cloud_event, wait_for

# It kills brokers of the three-broker stack (skipped on one broker).
pytestmark = [pytest.mark.stack, pytest.mark.own_stack]
TOPIC = "ssp.platform.selftest"
EVENTS = 10_000
KILL_AFTER = 2_000


def node_dir(node: int) -> Path:
    return state_dir() / "kafka" / "cluster3" / f"node{node}"


def bootstrap() -> str:
    """All three brokers' addresses, as stack.sh advertised them, so any one may die."""
    found = []
    for node in (1, 2, 3):
        for line in (node_dir(node) / "server.properties").read_text().splitlines():
            if line.startswith("advertised.listeners="):
                found.append(line.split("//", 1)[1])
    return ",".join(found)


@pytest.fixture
def three_brokers(stack: None) -> KafkaAdminClient:
    if os.environ.get("SSP_KAFKA_BROKERS") != "3":
        pytest.skip("needs the three-broker stack: make durability (make up BROKERS=3)")
    admin = KafkaAdminClient(**kafka_client(ADMIN, bootstrap()).kafka_python())
    yield admin
    admin.close()


def node_pid(node: int) -> int:
    return int((node_dir(node) / "kafka.pid").read_text().strip())


def leader_of(admin: KafkaAdminClient, topic: str, partition: int) -> int:
    (described,) = admin.describe_topics([topic])
    return next(
        p["leader_id"] for p in described["partitions"] if p["partition_index"] == partition
    )


def test_catalogue_topics_are_replicated_three_times_with_two_in_sync(
    three_brokers: KafkaAdminClient,
) -> None:
    # The names on the broker carry the run's prefix (make faults uses its own topics).
    names = [kafka_topic(t) for t in TOPICS]
    described = {d["name"]: d for d in three_brokers.describe_topics(names)}
    assert set(described) == set(names)
    for name in names:
        assert described[name]["error_code"] == 0, name
        assert {len(p["replica_nodes"]) for p in described[name]["partitions"]} == {3}, name
    resources = [ConfigResource(ConfigResourceType.TOPIC, t) for t in names]
    configs = three_brokers.describe_configs(resources)["topic"]
    assert {t: c["min.insync.replicas"]["value"] for t, c in configs.items()} == dict.fromkeys(
        names, "2"
    )


def test_killing_a_partition_leader_under_acks_all_loses_nothing(
    three_brokers: KafkaAdminClient,
) -> None:
    logging.getLogger("kafka").setLevel(logging.CRITICAL)  # the dead broker's refusals
    run = uuid.uuid4().hex
    reader = KafkaConsumer(
        enable_auto_commit=False, **kafka_client(AUDITOR, bootstrap()).kafka_python()
    )
    topic = kafka_topic(TOPIC)
    tps = [TopicPartition(topic, p) for p in sorted(reader.partitions_for_topic(topic) or ())]
    start = reader.end_offsets(tps)
    victim = leader_of(three_brokers, topic, 0)
    producer = KafkaProducer(
        acks="all", linger_ms=5, **kafka_client("selftest", bootstrap()).kafka_python()
    )
    sent: list[Any] = []
    halfway = threading.Event()

    def load() -> None:
        for i in range(EVENTS):
            event = cloud_event(
                SelfTestTicked(run_id=run, step=i + 1),
                f"durability-{run}-{i % 50}",
                source="/ssp/selftest",
                actor=("durability-test", "service"),
            )
            sent.append(
                producer.send(
                    topic,
                    key=event.kafka_key(),
                    value=event.kafka_value(),
                    headers=event.kafka_headers(),
                )
            )
            if i == KILL_AFTER:
                halfway.set()

    # Given a steady acks=all load on a topic with replication 3 and min.insync.replicas 2
    loader = threading.Thread(target=load, daemon=True)
    loader.start()
    assert halfway.wait(120)
    # When the leader of partition 0 dies without warning
    os.kill(node_pid(victim), signal.SIGKILL)
    try:
        loader.join(300)
        acknowledged = [f.get(timeout=120) for f in sent]
        producer.close()
    finally:
        subprocess.run([str(REPO_ROOT / "deploy/local/stack.sh"), "up"], check=True)
    # Then every event the producer had acknowledged is on the topic, once
    assert len(acknowledged) == EVENTS
    seen: list[int] = []
    reader.assign(tps)
    for tp in tps:
        reader.seek(tp, start[tp])
    ends = reader.end_offsets(tps)

    def read_up() -> bool:
        for records in reader.poll(timeout_ms=1000, max_records=5000).values():
            seen.extend(r.offset for r in records if run.encode() in r.value)
        return all(reader.position(tp) >= ends[tp] for tp in tps)

    wait_for(read_up, timeout=120, what="reading back the run's events")
    reader.close()
    assert len(seen) == EVENTS, f"{EVENTS - len(seen)} acknowledged events lost"
