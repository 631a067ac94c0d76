"""Projection runner: Kafka to read models, effectively once, bad messages to the DLQ."""

import dataclasses
import logging
import time
from abc import ABC, abstractmethod
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

import asyncpg
from aiokafka import ConsumerRebalanceListener, ConsumerRecord, TopicPartition
from asyncpg.pool import PoolConnectionProxy
from faststream import AckPolicy
from faststream.kafka import KafkaBroker
from ssp_contracts import CloudEvent, EnvelopeError, EventPayload, parse_payload

from services.runtime.dlq import DeadLetters
from services.runtime.metrics import ProjectionMetrics

log = logging.getLogger(__name__)

# Projections get a pooled connection; plain connections work the same way.
Connection = asyncpg.Connection | PoolConnectionProxy

TRACKING_DDL = """
CREATE TABLE IF NOT EXISTS ssp_processed_events (
    runner text NOT NULL,
    event_id text NOT NULL,
    PRIMARY KEY (runner, event_id)
);
CREATE TABLE IF NOT EXISTS ssp_consumer_offsets (
    runner text NOT NULL,
    topic text NOT NULL,
    partition int NOT NULL,
    next_offset bigint NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (runner, topic, partition)
);
"""


@dataclass(frozen=True)
class ReceivedEvent:
    """A decoded event with its payload and where it came from."""

    envelope: CloudEvent
    payload: EventPayload
    topic: str
    partition: int
    offset: int


class Projection(ABC):
    """A read model: its tables and how a batch of events changes them."""

    name: ClassVar[str]
    topics: ClassVar[tuple[str, ...]]

    @abstractmethod
    async def create_tables(self, conn: Connection) -> None:
        """Create the read model's tables if missing."""

    @abstractmethod
    async def apply(self, conn: Connection, events: Sequence[ReceivedEvent]) -> None:
        """Apply new events, in order, inside the runner's transaction."""


def decode_record(record: ConsumerRecord[Any, Any]) -> ReceivedEvent:
    """Decode a Kafka record into a ReceivedEvent; raises EnvelopeError."""
    envelope = CloudEvent.from_kafka(record.headers or (), record.value)
    return ReceivedEvent(
        envelope, parse_payload(envelope), record.topic, record.partition, record.offset
    )


class _ResumeFromStoredOffsets(ConsumerRebalanceListener):  # type: ignore[misc]
    """On assignment, seek to the offsets stored with the read model."""

    def __init__(self, runner: "ProjectionRunner") -> None:
        self.runner = runner

    async def on_partitions_revoked(self, revoked: Any) -> None:
        return None

    async def on_partitions_assigned(self, assigned: Any) -> None:
        consumer = self.runner.subscriber.consumer
        stored = await self.runner.stored_offsets()
        for tp in assigned:
            if (tp.topic, tp.partition) in stored and consumer is not None:
                consumer.seek(tp, stored[(tp.topic, tp.partition)])


class ProjectionRunner:
    """Consumes the projections' topics in batches and applies them in one transaction."""

    def __init__(
        self,
        name: str,
        projections: Sequence[Projection],
        pool: asyncpg.Pool,
        broker: KafkaBroker,
        metrics: ProjectionMetrics,
        *,
        group_suffix: str = "",
        max_records: int = 1000,
    ) -> None:
        self.name = name
        self.projections = list(projections)
        self.pool = pool
        self.metrics = metrics
        self.topics = sorted({t for p in self.projections for t in p.topics})
        self.dead_letters = DeadLetters(broker, name, metrics)
        self.subscriber = broker.subscriber(
            *self.topics,
            batch=True,
            max_records=max_records,
            batch_timeout_ms=50,
            group_id=f"ssp.{name}{group_suffix}",
            auto_offset_reset="earliest",
            ack_policy=AckPolicy.ACK,
            listener=_ResumeFromStoredOffsets(self),
            parser=_tolerant_parser,
            decoder=_raw_records,
            description=f"Projection runner {name}: applies {', '.join(self.topics)}",
        )
        self.subscriber(self.handle)

    async def setup(self) -> None:
        """Create the tracking tables and every projection's tables."""
        async with self.pool.acquire() as conn, conn.transaction():
            await conn.execute(TRACKING_DDL)
            for projection in self.projections:
                await projection.create_tables(conn)

    async def stored_offsets(self) -> dict[tuple[str, int], int]:
        """Next offset to read per (topic, partition), as stored with the read model."""
        rows = await self.pool.fetch(
            "SELECT topic, partition, next_offset FROM ssp_consumer_offsets WHERE runner = $1",
            self.name,
        )
        return {(r["topic"], r["partition"]): r["next_offset"] for r in rows}

    async def handle(self, records: Any) -> None:
        """Apply one batch: decode, drop duplicates, apply, record offsets; never raise."""
        started = time.perf_counter()
        good: list[ReceivedEvent] = []
        for record in records:
            try:
                good.append(decode_record(record))
            except EnvelopeError as exc:
                await self.dead_letters.send(record, f"decode: {exc}")
        offsets = next_offsets(records)
        try:
            await self._apply(good, offsets)
        except Exception:
            log.exception("batch of %d failed in %s; applying one by one", len(good), self.name)
            for event, record in zip(good, _records_of(good, records), strict=True):
                try:
                    await self._apply([event], {})
                except Exception as exc:
                    await self.dead_letters.send(record, f"apply: {type(exc).__name__}: {exc}")
            async with self.pool.acquire() as conn:
                await store_offsets(conn, self.name, offsets)
        self.metrics.apply_seconds.labels(self.name).observe(time.perf_counter() - started)
        await self._observe_lag()

    async def _apply(
        self, events: list[ReceivedEvent], offsets: dict[tuple[str, int], int]
    ) -> None:
        async with self.pool.acquire() as conn, conn.transaction():
            fresh = await apply_tracked(conn, self.name, self.projections, events)
            await store_offsets(conn, self.name, offsets)
        applied = {id(e) for e in fresh}
        for event in events:
            if id(event) not in applied:
                self.metrics.duplicates.labels(self.name, event.topic).inc()
        self._count(fresh)

    def _count(self, fresh: list[ReceivedEvent]) -> None:
        per_topic = Counter(e.topic for e in fresh)
        for topic, count in per_topic.items():
            self.metrics.applied.labels(self.name, topic).inc(count)
            newest = max(e.envelope.time for e in fresh if e.topic == topic).timestamp()
            self.metrics.newest_event_time.labels(self.name, topic).set(newest)

    async def _observe_lag(self) -> None:
        consumer = self.subscriber.consumer
        if consumer is None:
            return
        for tp in consumer.assignment():
            high = consumer.highwater(tp)
            if high is not None:
                position = await consumer.position(tp)
                self.metrics.lag.labels(self.name, tp.topic, str(tp.partition)).set(
                    max(0, high - position)
                )


async def apply_tracked(
    conn: Connection,
    runner: str,
    projections: Sequence[Projection],
    events: Sequence[ReceivedEvent],
) -> list[ReceivedEvent]:
    """Apply the events ``runner`` has not applied yet and record their ids; return those.

    The live runner, the rebuild and the auditor's replay all go through here, so a rebuilt
    read model is made by exactly the code that keeps the live one.
    """
    rows = await conn.fetch(
        "SELECT event_id FROM ssp_processed_events WHERE runner = $1"
        " AND event_id = ANY($2::text[])",
        runner,
        [e.envelope.id for e in events],
    )
    seen = {r["event_id"] for r in rows}
    fresh: list[ReceivedEvent] = []
    for event in events:
        if event.envelope.id not in seen:
            seen.add(event.envelope.id)  # the relay may have published it twice in one batch
            fresh.append(event)
    for projection in projections:
        mine = [e for e in fresh if e.topic in projection.topics]
        if mine:
            await projection.apply(conn, mine)
    await conn.copy_records_to_table(
        "ssp_processed_events",
        records=[(runner, e.envelope.id) for e in fresh],
        columns=("runner", "event_id"),
    )
    return fresh


async def store_offsets(conn: Connection, runner: str, offsets: dict[tuple[str, int], int]) -> None:
    """Record the next offset to read per partition, never moving backwards."""
    await conn.executemany(
        """INSERT INTO ssp_consumer_offsets (runner, topic, partition, next_offset)
           VALUES ($1, $2, $3, $4)
           ON CONFLICT (runner, topic, partition) DO UPDATE
           SET next_offset = GREATEST(ssp_consumer_offsets.next_offset, $4),
               updated_at = now()""",
        [(runner, t, p, o) for (t, p), o in offsets.items()],
    )


def next_offsets(records: Sequence[ConsumerRecord[Any, Any]]) -> dict[tuple[str, int], int]:
    """Next offset to read per (topic, partition) after ``records``."""
    offsets: dict[tuple[str, int], int] = {}
    for r in records:
        offsets[(r.topic, r.partition)] = max(offsets.get((r.topic, r.partition), 0), r.offset + 1)
    return offsets


def _records_of(
    events: list[ReceivedEvent], records: Sequence[ConsumerRecord[Any, Any]]
) -> list[ConsumerRecord[Any, Any]]:
    by_coords = {(r.topic, r.partition, r.offset): r for r in records}
    return [by_coords[(e.topic, e.partition, e.offset)] for e in events]


async def _raw_records(message: Any) -> Any:
    """Keep the raw records: the runner decodes them itself, so a bad one cannot stop it."""
    return list(message.raw_message)


async def _tolerant_parser(records: tuple[ConsumerRecord[Any, Any], ...], original: Any) -> Any:
    """FastStream's parser decodes headers as UTF-8; a bad header must reach the DLQ instead."""
    try:
        return await original(records)
    except UnicodeDecodeError:
        safe = tuple(
            dataclasses.replace(r, headers=[(k, _utf8_or_marked(v)) for k, v in r.headers or ()])
            for r in records
        )
        message = await original(safe)
        message.raw_message = records  # the runner decodes the originals and dead-letters them
        return message


def _utf8_or_marked(value: bytes | None) -> bytes:
    try:
        (value or b"").decode()
        return value or b""
    except UnicodeDecodeError:
        return b"<not utf-8>"


__all__ = ["Projection", "ProjectionRunner", "ReceivedEvent", "TopicPartition", "decode_record"]
