"""Projection throughput (consume, apply, record offsets) against raw consume and raw insert.

The goal is against the slower of the two raw halves of the work: an aiokafka consumer reading
the same records (no decoding) and one asyncpg ``executemany`` of the same rows.
"""

import asyncio
import time
import uuid
from typing import Any

import asyncpg
from aiokafka import AIOKafkaConsumer, TopicPartition
from faststream.kafka import KafkaBroker
from prometheus_client import CollectorRegistry
from ssp_contracts import EnvelopeError

from bench.common import Measure, Stopwatch, fresh_database
from services.runtime.kafka_security import kafka_client
from services.runtime.metrics import ProjectionMetrics
from services.runtime.projection import decode_record
from services.runtime.runner import ProjectionRunner
from services.runtime.selftest import CanaryLog, canary_row
from services.runtime.settings import ServiceSettings
from services.runtime.testing import read_all
from services.runtime.topic_ends import end_offsets
from services.runtime.tracking import store_offsets

TOPIC = "ssp.platform.selftest"


class _Timed(ProjectionRunner):
    """The real runner, noting when its first batch arrived and how many events it applied."""

    first: float | None = None
    applied = 0

    async def handle(self, records: Any) -> None:
        self.first = self.first or time.perf_counter()
        await super().handle(records)
        self.applied += len(records)


async def _projection_seconds(db: str, events: int, start: dict[tuple[str, int], int]) -> float:
    settings = ServiceSettings.for_service("selftest", db_name=db)
    pool = await asyncpg.create_pool(settings.pg_dsn, min_size=1, max_size=4)
    security = kafka_client("selftest", settings.kafka_bootstrap).faststream()
    broker = KafkaBroker(settings.kafka_bootstrap, logger=None, security=security)
    runner = _Timed(
        "selftest.bench",  # the selftest principal may use groups ssp.selftest.*
        [CanaryLog()],
        pool,
        broker,
        ProjectionMetrics(CollectorRegistry()),
        group_suffix=f".{uuid.uuid4().hex[:8]}",
    )
    await runner.setup()
    # Start where this run's events begin: the runner seeks to the offsets stored with it.
    async with pool.acquire() as conn:
        await store_offsets(conn, runner.name, start)
    await broker.start()
    try:
        while runner.applied < events:
            await asyncio.sleep(0.01)
        # Steady state: from the first batch's arrival to the last commit.
        assert runner.first is not None
        return time.perf_counter() - runner.first
    finally:
        await broker.stop()
        await pool.close()


def _rows_on_topic(start: dict[tuple[str, int], int]) -> list[tuple[str, str, int, str, str]]:
    """The canaries from ``start`` on, as the rows the projection writes."""
    rows = []
    for record in read_all(TOPIC, start):
        try:
            event = decode_record(record)
        except EnvelopeError:
            continue  # the dead-letter test's messages: the runner skips them too
        rows.append(canary_row(event.envelope, event.payload))
    return rows


async def _raw_seconds(db: str, rows: list[tuple[str, str, int, str, str]]) -> float:
    settings = ServiceSettings.for_service("selftest", db_name=db)
    conn = await asyncpg.connect(settings.pg_dsn)
    try:
        await CanaryLog().create_tables(conn)
        with Stopwatch() as watch:
            await conn.executemany("INSERT INTO selftest_canary VALUES ($1, $2, $3, $4, $5)", rows)
        return watch.seconds
    finally:
        await conn.close()


async def _consume_seconds(bootstrap: str, start: dict[tuple[str, int], int]) -> float:
    """A raw aiokafka consumer reading the records from ``start`` to the end, undecoded."""
    ends = end_offsets(bootstrap, [TOPIC], "selftest")
    consumer = AIOKafkaConsumer(
        **kafka_client("selftest", bootstrap).aiokafka(), enable_auto_commit=False
    )
    await consumer.start()
    try:
        todo = {TopicPartition(t, p) for (t, p), end in ends.items() if end > start.get((t, p), 0)}
        consumer.assign(list(todo))
        for tp in todo:
            consumer.seek(tp, start.get((tp.topic, tp.partition), 0))
        with Stopwatch() as watch:
            while todo:
                batches = await consumer.getmany(*todo, timeout_ms=1000, max_records=1000)
                for tp, records in batches.items():
                    if records and records[-1].offset + 1 >= ends[(tp.topic, tp.partition)]:
                        todo.discard(tp)
                todo -= {
                    tp
                    for tp in todo
                    if await consumer.position(tp) >= ends[(tp.topic, tp.partition)]
                }
        return watch.seconds
    finally:
        await consumer.stop()


def run(start: dict[tuple[str, int], int]) -> Measure:
    """Project the canaries from ``start`` on, then consume and insert them raw, in one run."""
    rows = _rows_on_topic(start)
    bootstrap = ServiceSettings.for_service("selftest").kafka_bootstrap
    with fresh_database("benchproj") as db:
        seconds = asyncio.run(_projection_seconds(db, len(rows), start))
    consume = asyncio.run(_consume_seconds(bootstrap, start))
    with fresh_database("benchraw") as db:
        insert = asyncio.run(_raw_seconds(db, rows))
    n = len(rows)
    baseline = (
        f"min(aiokafka consume {n / consume:,.0f}/s, asyncpg executemany {n / insert:,.0f}/s)"
    )
    return Measure.timed("projection", n, seconds, baseline, max(consume, insert), goal=0.5)
