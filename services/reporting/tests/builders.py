"""Builders of events and read-model databases for the reporting stories."""

import itertools
import uuid
from datetime import UTC, datetime
from typing import Any

from ssp_contracts import CloudEvent, EventPayload

from services.runtime.projection import ReceivedEvent

_offsets = itertools.count()
T0 = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


def received(
    payload: EventPayload,
    *,
    subject: str | None = None,
    actor: str = "officer-1",
    role: str = "school_officer",
    at: datetime = T0,
    sequence: int = 1,
    partition: int = 0,
    correlation: str | None = None,
) -> ReceivedEvent:
    """``payload`` as the projection runner would hand it over after decoding."""
    data: dict[str, Any] = payload.to_data()
    subject = subject or _subject_of(data)
    envelope = CloudEvent(
        id=f"{subject}:{sequence}:{uuid.uuid4().hex[:6]}",
        source="/ssp/" + payload.event_type.split(".")[3],
        type=payload.event_type,
        time=at,
        subject=subject,
        actorid=actor,
        actorrole=role,
        correlationid=correlation or str(uuid.uuid4()),
        sequence=sequence,
        dataschema=payload.dataschema(),
        data=data,
    )
    return ReceivedEvent(envelope, payload, payload.topic, partition, next(_offsets))


def _subject_of(data: dict[str, Any]) -> str:
    for key, value in data.items():
        if key.endswith("_id") and isinstance(value, str):
            return value
    return str(uuid.uuid4())


def publish(events: list[ReceivedEvent]) -> None:
    """Put events on their real topics as a producing service's relay would (end-to-end tests)."""
    from kafka import KafkaProducer
    from ssp_contracts import TOPICS
    from ssp_contracts.topics import kafka_topic

    from services.runtime.kafka_security import kafka_client

    # Each topic's owner publishes it, as only the owner's principal may.
    producers: dict[str, KafkaProducer] = {}
    try:
        for event in events:
            owner = TOPICS[event.topic].owner
            if owner not in producers:
                producers[owner] = KafkaProducer(acks="all", **kafka_client(owner).kafka_python())
            e = event.envelope
            producers[owner].send(
                kafka_topic(event.topic),
                key=e.kafka_key(),
                value=e.kafka_value(),
                headers=e.kafka_headers(),
            )
        for producer in producers.values():
            producer.flush()
    finally:
        for producer in producers.values():
            producer.close()
