"""Counts event-identity collisions on a broker: one (ce_source, ce_id) naming different events.

A relay that re-sends an event after a crash repeats it byte for byte (not a collision); two
stores that give different events the same source and id are (CloudEvents forbids it).
Every topic whose name ends with a catalogue event topic is read, whatever its prefix.
"""

import hashlib
from collections import defaultdict
from dataclasses import dataclass, field

from kafka import KafkaConsumer, TopicPartition
from ssp_contracts.topics import EVENT_TOPICS

from services.runtime.kafka_security import AUDITOR, kafka_client
from services.runtime.topic_reading import records_to_end


@dataclass
class CollisionReport:
    """What the broker holds: topics read, events, distinct identities, collisions."""

    topics: list[str] = field(default_factory=list)
    records: int = 0
    identities: int = 0
    collisions: list[tuple[str, str]] = field(default_factory=list)


def count_collisions(bootstrap: str) -> CollisionReport:
    """Read every event topic of every prefix to its end now and count colliding identities."""
    consumer = KafkaConsumer(
        enable_auto_commit=False,
        max_poll_records=5000,
        **kafka_client(AUDITOR, bootstrap).kafka_python(),
    )
    report = CollisionReport()
    seen: dict[tuple[bytes, bytes], set[bytes]] = defaultdict(set)
    try:
        report.topics = sorted(t for t in consumer.topics() if t.endswith(EVENT_TOPICS))
        parts = [
            TopicPartition(t, p)
            for t in report.topics
            for p in sorted(consumer.partitions_for_topic(t) or ())
        ]
        for r in records_to_end(consumer, parts):
            report.records += 1
            headers = dict(r.headers or ())
            key = (headers.get("ce_source", b""), headers.get("ce_id", b""))
            # What makes the event: its type, subject, time and payload.
            what = b"\0".join([headers.get(h, b"") for h in ("ce_type", "ce_subject", "ce_time")])
            seen[key].add(hashlib.sha256(what + b"\0" + (r.value or b"")).digest())
    finally:
        consumer.close()
    report.identities = len(seen)
    report.collisions = sorted(
        (s.decode("utf-8", "replace"), i.decode("utf-8", "replace"))
        for (s, i), kinds in seen.items()
        if len(kinds) > 1
    )
    return report
