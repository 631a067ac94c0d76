"""Poison messages: a bad CloudEvent, an unknown type and an undecodable header, per topic."""

from kafka import KafkaProducer
from ssp_contracts import CloudEvent
from ssp_contracts.events.platform import SelfTestTicked
from ssp_contracts.topics import kafka_topic

from services.runtime.kafka_security import POISON, kafka_client
from services.runtime.testing import cloud_event

KINDS = ("bad-cloudevent", "unknown-type", "undecodable-header")


def _valid(key: str) -> CloudEvent:
    payload = SelfTestTicked(run_id=key, step=1)
    return cloud_event(
        payload, key, source="/ssp/faults", actor=("fault-suite", "service"), correlation_id=key
    )


def _message(kind: str, key: str) -> tuple[bytes, list[tuple[str, bytes]]]:
    event = _valid(key)
    headers = event.kafka_headers()
    if kind == "bad-cloudevent":
        return b"{not json", headers
    if kind == "unknown-type":
        headers = [
            (k, b"uk.police.ssp.never_heard_of.v1" if k == "ce_type" else v) for k, v in headers
        ]
        return event.kafka_value(), headers
    # Not UTF-8: the consumer's header parsing must survive it and dead-letter the message.
    bad = b"uk.police.ssp.\xff\xfe.v1"
    return event.kafka_value(), [(k, bad if k == "ce_type" else v) for k, v in headers]


def inject(topics: list[str], run: str) -> dict[bytes, str]:
    """Send each kind of poison to each topic; return the messages' keys with their topic."""
    producer = KafkaProducer(**kafka_client(POISON).kafka_python())
    sent: dict[bytes, str] = {}
    try:
        for topic in topics:
            for kind in KINDS:
                key = f"poison-{run}-{kind}-{topic}".encode()
                value, headers = _message(kind, key.decode())
                producer.send(kafka_topic(topic), key=key, value=value, headers=headers).get(
                    timeout=30
                )
                sent[key] = topic
    finally:
        producer.close()
    return sent
