"""Projection runner: Kafka to read models, effectively once, bad messages to the DLQ."""

import asyncio
import contextlib
import dataclasses
import logging
import time
from collections import Counter
from collections.abc import AsyncIterator, Sequence
from typing import Any

import asyncpg
from aiokafka import ConsumerRebalanceListener, ConsumerRecord
from faststream import AckPolicy
from faststream.kafka import KafkaBroker
from ssp_contracts.topics import catalogue_topic, kafka_topic

from services.runtime.dlq import DeadLetters
from services.runtime.gc_batches import collection_deferred
from services.runtime.key_claims import KeyClaim
from services.runtime.metrics import ProjectionMetrics
from services.runtime.offset_commits import CommitsBehind
from services.runtime.projection import Projection, ReceivedEvent, decode_records
from services.runtime.provenance import ProvenanceError
from services.runtime.tracking import TRACKING_DDL, apply_tracked, next_offsets, store_offsets

log = logging.getLogger(__name__)


class DatabaseUnavailable(Exception):
    """No connection to the read models' database could be had."""


# Failures of the infrastructure, not of the message: retry the batch, never dead-letter it.
TRANSIENT: tuple[type[BaseException], ...] = (
    DatabaseUnavailable,
    OSError,
    TimeoutError,
    asyncpg.InterfaceError,
    asyncpg.PostgresConnectionError,
    asyncpg.exceptions.OperatorInterventionError,
    asyncpg.exceptions.InsufficientResourcesError,
    asyncpg.exceptions.InvalidCatalogNameError,
    asyncpg.exceptions.TransactionRollbackError,
)


class _ResumeFromStoredOffsets(ConsumerRebalanceListener):
    """On assignment, seek to the offsets stored with the read model."""

    def __init__(self, runner: "ProjectionRunner") -> None:
        self.runner = runner

    async def on_partitions_revoked(self, revoked: Any) -> None:
        # Another instance of the group may own them next and report their lag; a last value
        # kept here would hold ``max`` over the instances (and its alert) up for good.
        self.runner.forget_lag({(tp.topic, tp.partition) for tp in revoked})

    async def on_partitions_assigned(self, assigned: Any) -> None:
        # (a batch finishing during the rebalance may have reported the old assignment again)
        self.runner.forget_lag(
            self.runner.lag_reported - {(tp.topic, tp.partition) for tp in assigned}
        )
        consumer = self.runner.subscriber.consumer
        if consumer is None:
            # FastStream sets the consumer before it subscribes (tests/reliability/
            # test_runner_resume.py); were that to change, say so rather than read from earliest.
            log.error("runner %s: partitions assigned without a consumer to seek", self.runner.name)
            return
        stored = await self.runner.stored_offsets()
        for tp in assigned:
            if (tp.topic, tp.partition) in stored:
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
        retry_seconds: float = 2.0,
    ) -> None:
        self.name = name
        self.projections = list(projections)
        self.pool = pool
        self.metrics = metrics
        self.retry_seconds = retry_seconds
        self.lag_reported: set[tuple[str, int]] = set()  # (topic, partition) in ``metrics.lag``
        self.topics = sorted({t for p in self.projections for t in p.topics})
        self.dead_letters = DeadLetters(broker, name, metrics)
        self.commits = CommitsBehind(name)
        self.subscriber = broker.subscriber(
            *(kafka_topic(t) for t in self.topics),
            batch=True,
            max_records=max_records,
            batch_timeout_ms=50,
            group_id=f"ssp.{name}{group_suffix}",
            auto_offset_reset="earliest",
            ack_policy=AckPolicy.NACK_ON_ERROR,
            listener=_ResumeFromStoredOffsets(self),
            parser=self._parse,
            decoder=_raw_records,
            # Two runners on one topic would share FastStream's default channel name.
            title=f"{','.join(self.topics)}:{name}",
            description=f"Projection runner {name}: applies {', '.join(self.topics)}",
        )
        self.subscriber(self.handle)

    async def setup(self) -> None:
        """Create the tracking tables and every projection's tables (unless migrated)."""
        try:
            async with self.pool.acquire() as conn, conn.transaction():
                await conn.execute(TRACKING_DDL)
                for projection in self.projections:
                    await projection.create_tables(conn)
        except asyncpg.InsufficientPrivilegeError as exc:
            # The migration role made these tables (runtime/dbroles.py) and the service's role
            # may not alter them; `ssp migrate` keeps their DDL current instead.
            log.info("%s: tables belong to the migration role (%s)", self.name, exc)

    async def _parse(self, records: tuple[ConsumerRecord[Any, Any], ...], original: Any) -> Any:
        """FastStream's message of a batch, whose ack commits to Kafka behind the runner."""
        message = await _tolerant_parser(records, original)
        message.consumer = self.commits.batch(message.consumer, records)
        return message

    async def stored_offsets(self) -> dict[tuple[str, int], int]:
        """Next offset to read per (topic, partition), as stored with the read model."""
        rows = await self.pool.fetch(
            "SELECT topic, partition, next_offset FROM ssp_consumer_offsets WHERE runner = $1",
            self.name,
        )
        return {(r["topic"], r["partition"]): r["next_offset"] for r in rows}

    async def handle(self, records: Any) -> None:
        """Apply one batch; a bad message goes to the DLQ, an outage has the batch redelivered."""
        started = time.perf_counter()
        try:
            with collection_deferred():
                await self._handle(records)
        except TRANSIENT as exc:
            # The database or broker is away: nothing was applied or dead-lettered for it.
            # Raising nacks the batch (FastStream rewinds the partitions) after a pause.
            log.warning("runner %s: %s; the batch will be redelivered", self.name, exc)
            await asyncio.sleep(self.retry_seconds)
            raise
        self.metrics.apply_seconds.labels(self.name).observe(time.perf_counter() - started)
        await self._observe_lag()

    async def _handle(self, records: Any) -> None:
        good: list[ReceivedEvent] = []
        offsets = next_offsets(records)
        applying = False
        try:
            async with _connection(self.pool) as conn, conn.transaction():
                # The keys are recorded while the records are validated (runtime/key_claims.py).
                claim = await KeyClaim.send(conn, self.name, records)
                try:
                    await self._decode(records, good)
                except BaseException:
                    await claim.settle()
                    raise
                applying = True
                fresh = await claim.apply(self.projections, good)
                await store_offsets(conn, self.name, offsets)
        except TRANSIENT:
            raise
        except Exception:
            if not applying:
                raise
            log.exception("batch of %d failed in %s; applying one by one", len(good), self.name)
            for event, record in zip(good, _records_of(good, records), strict=True):
                try:
                    await self._apply([event], {})
                except TRANSIENT:
                    raise
                except Exception as exc:
                    # Only the kind: a database's message may quote the values of the row.
                    await self.dead_letters.send(record, f"apply: {type(exc).__name__}")
            async with _connection(self.pool) as conn:
                await store_offsets(conn, self.name, offsets)
            return
        self._applied(good, fresh)

    async def _decode(self, records: Any, good: list[ReceivedEvent]) -> None:
        """Decode and validate each record: into ``good``, or to the DLQ with the reason."""
        for record, decoded in decode_records(records):
            if isinstance(decoded, ReceivedEvent):
                good.append(decoded)
            elif isinstance(decoded, ProvenanceError):
                # Only the kind: a forged message must not write its own words into the DLQ.
                await self.dead_letters.send(record, f"provenance: {decoded.kind}")
            else:
                await self.dead_letters.send(record, f"decode: {decoded}")

    async def _apply(
        self, events: list[ReceivedEvent], offsets: dict[tuple[str, int], int]
    ) -> None:
        async with _connection(self.pool) as conn, conn.transaction():
            fresh = await apply_tracked(conn, self.name, self.projections, events)
            await store_offsets(conn, self.name, offsets)
        self._applied(events, fresh)

    def _applied(self, events: list[ReceivedEvent], fresh: list[ReceivedEvent]) -> None:
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
                if tp not in consumer.assignment():
                    continue  # reassigned while we waited
                self.lag_reported.add((tp.topic, tp.partition))
                self.metrics.lag.labels(self.name, tp.topic, str(tp.partition)).set(
                    max(0, high - position)
                )

    def forget_lag(self, partitions: set[tuple[str, int]]) -> None:
        """Stop reporting the lag of ``partitions`` (no longer this instance's to read)."""
        for topic, partition in partitions & self.lag_reported:
            self.metrics.lag.remove(self.name, topic, str(partition))
        self.lag_reported -= partitions


def _records_of(
    events: list[ReceivedEvent], records: Sequence[ConsumerRecord[Any, Any]]
) -> list[ConsumerRecord[Any, Any]]:
    by_coords = {(catalogue_topic(r.topic), r.partition, r.offset): r for r in records}
    return [by_coords[(e.topic, e.partition, e.offset)] for e in events]


@contextlib.asynccontextmanager
async def _connection(pool: asyncpg.Pool) -> AsyncIterator[Any]:
    """A pooled connection; failing to get one is an outage, whatever the server said."""
    try:
        conn = await pool.acquire()
    except Exception as exc:
        raise DatabaseUnavailable(f"{type(exc).__name__}: {exc}") from exc
    try:
        yield conn
    finally:
        await pool.release(conn)


async def _raw_records(message: Any) -> Any:
    """Keep the raw records: the runner decodes them itself, so a bad one cannot stop it."""
    return list(message.raw_message)


async def _tolerant_parser(records: tuple[ConsumerRecord[Any, Any], ...], original: Any) -> Any:
    """FastStream's parser for the first record only; the runner decodes every record itself.

    FastStream's batch parser decodes every record's headers into dicts that nothing here
    reads (about 3 µs a record), and fails on a header that is not UTF-8, which must reach the
    DLQ instead. Its message keeps the whole batch, which the nack rewinds and the decoder hands
    to the runner.
    """
    first = records[:1]
    try:
        message = await original(first)
    except UnicodeDecodeError:
        (record,) = first
        headers = [(k, _utf8_or_marked(v)) for k, v in record.headers or ()]
        message = await original((dataclasses.replace(record, headers=headers),))
    message.raw_message = records
    return message


def _utf8_or_marked(value: bytes | None) -> bytes:
    try:
        (value or b"").decode()
        return value or b""
    except UnicodeDecodeError:
        return b"<not utf-8>"
