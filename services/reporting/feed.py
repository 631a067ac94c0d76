"""Feeding the reporting projections from Kafka without the HTTP app or a consumer group.

The rebuild tool (and the auditor's replay) read topics from the beginning up to given
offsets and apply them with the same projections and the same tracking tables as the
live runners, so a rebuilt schema can be swapped in and its runners carry on from there.
"""

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from aiokafka import AIOKafkaConsumer, TopicPartition
from ssp_contracts import EnvelopeError
from ssp_contracts.topics import catalogue_topic

from services.reporting.views import runner_specs
from services.runtime.gc_batches import collection_deferred
from services.runtime.kafka_security import kafka_client
from services.runtime.projection import Connection, Projection, ReceivedEvent, decode_records
from services.runtime.topic_ends import Offsets
from services.runtime.tracking import TRACKING_DDL, apply_tracked, next_offsets, store_offsets

log = logging.getLogger(__name__)


@dataclass
class FeedReport:
    """What a feed applied and what it had to skip (what the live runner dead-letters)."""

    applied: int = 0
    skipped: list[str] = field(default_factory=list)
    offsets: Offsets = field(default_factory=dict)


Specs = Sequence[tuple[str, Sequence[Projection]]]


async def create_schema_tables(conn: Connection, specs: Specs | None = None) -> None:
    """Tracking tables and the tables of ``specs`` (default: every reporting table)."""
    await conn.execute(TRACKING_DDL)
    for _, projections in specs or runner_specs():
        for projection in projections:
            await projection.create_tables(conn)


async def stored_offsets(conn: Connection, runner: str) -> Offsets:
    """Next offset per (topic, partition) recorded for ``runner`` in this schema."""
    rows = await conn.fetch(
        "SELECT topic, partition, next_offset FROM ssp_consumer_offsets WHERE runner = $1",
        runner,
    )
    return {(r["topic"], r["partition"]): r["next_offset"] for r in rows}


async def feed(
    conn: Connection, bootstrap: str, until: Offsets, batch: int = 500, specs: Specs | None = None
) -> FeedReport:
    """Apply every record from this schema's stored offsets up to ``until`` (exclusive)."""
    specs = specs or runner_specs()
    start = {name: await stored_offsets(conn, name) for name, _ in specs}
    report = FeedReport()
    consumer = AIOKafkaConsumer(
        enable_auto_commit=False,
        max_poll_records=batch,
        **kafka_client("reporting", bootstrap).aiokafka(),
    )
    await consumer.start()
    try:
        wanted = [TopicPartition(t, p) for (t, p), end in until.items() if end > 0]
        consumer.assign(wanted)
        for tp in wanted:
            # Every runner of this schema has reached at least the smallest stored offset.
            consumer.seek(tp, min(s.get((tp.topic, tp.partition), 0) for s in start.values()))
        pending = {
            tp for tp in wanted if await consumer.position(tp) < until[(tp.topic, tp.partition)]
        }
        while pending:
            fetched = await consumer.getmany(*pending, timeout_ms=1000, max_records=batch)
            records = [
                r
                for tp, rs in fetched.items()
                for r in rs
                if r.offset < until[(tp.topic, tp.partition)]
            ]
            await apply_records(conn, specs, start, records, report)
            for tp in list(pending):
                if await consumer.position(tp) >= until[(tp.topic, tp.partition)]:
                    pending.discard(tp)
    finally:
        await consumer.stop()
    return report


async def apply_records(
    conn: Connection,
    specs: Sequence[tuple[str, Sequence[Projection]]],
    start: dict[str, Offsets],
    records: Sequence[Any],
    report: FeedReport,
    keep: Callable[[ReceivedEvent], bool] = lambda _: True,
) -> None:
    """Apply Kafka records to each runner's projections as the live runner would.

    Records below a runner's stored offset are skipped; undecodable ones and events that
    fail to apply are reported (the live runner dead-letters them); ``keep`` leaves out
    events (the replay's time window) while their offsets still count as read.
    """
    with collection_deferred():
        await _apply_records(conn, specs, start, records, report, keep)


async def _apply_records(
    conn: Connection,
    specs: Sequence[tuple[str, Sequence[Projection]]],
    start: dict[str, Offsets],
    records: Sequence[Any],
    report: FeedReport,
    keep: Callable[[ReceivedEvent], bool],
) -> None:
    events: list[tuple[ReceivedEvent | None, Any]] = []
    for record, decoded in decode_records(records):
        if isinstance(decoded, EnvelopeError):
            report.skipped.append(f"{record.topic}/{record.partition}/{record.offset}: {decoded}")
            events.append((None, record))
        else:
            events.append((decoded, record))
    # The broker's topic names -> the catalogue's, once per batch rather than per record.
    catalogue = {t: catalogue_topic(t) for t in {r.topic for r in records}}
    for name, projections in specs:
        topics = {t for p in projections for t in p.topics}
        done = start[name]
        mine = [
            (e, r)
            for e, r in events
            if catalogue[r.topic] in topics and r.offset >= done.get((r.topic, r.partition), 0)
        ]
        good = [e for e, _ in mine if e is not None and keep(e)]
        offsets = next_offsets([r for _, r in mine])
        try:
            async with conn.transaction():
                await apply_tracked(conn, name, projections, good)
                await store_offsets(conn, name, offsets)
        except Exception:
            # As the live runner does: one by one, skipping (dead-lettering) what fails.
            for event in good:
                try:
                    async with conn.transaction():
                        await apply_tracked(conn, name, projections, [event])
                except Exception as exc:
                    report.skipped.append(f"{event.topic}/{event.partition}/{event.offset}: {exc}")
            await store_offsets(conn, name, offsets)
        report.offsets.update(offsets)
    report.applied += sum(1 for e, _ in events if e is not None and keep(e))
