"""End-to-end latency: a command's 201 to its row in a reporting read model, at a fixed rate.

Staffing and reporting run as ``ssp serve`` on fresh databases; ``POST /schools`` is sent at a
fixed rate (open loop: a late answer does not slow the sending), and reporting's ``ctx_schools``
is polled for each acknowledged school. The baseline is a raw aiokafka round trip at the same
rate: produce with the relay's settings, consume with a plain consumer, time send to receipt.
"""

import asyncio
import json
import time
import uuid
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import asyncpg
import httpx
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from prometheus_client.parser import text_string_to_metric_families
from ssp_contracts.topics import kafka_topic

from bench.common import Measure, fresh_database
from bench.http_bench import bench_port, school
from bench.http_client import Connection
from services.reporting.feed import end_offsets
from services.reporting.views import runner_specs
from services.runtime.kafka_security import kafka_client
from services.runtime.relay import producer_options
from services.runtime.settings import ServiceSettings
from services.runtime.testing import ServiceProcess, bearer, start_at_end

RATE = 200
VIEWS = "reporting.views"
APPLY = "ssp_projection_apply_seconds_"
POLL = 0.005


def p50(values: list[float]) -> float:
    """The median of ``values``."""
    return sorted(values)[len(values) // 2]


def p99(values: list[float]) -> float:
    """The 99th percentile of ``values``."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]


@dataclass
class Stamps:
    """Wall-clock stamps per school id: its 201, the relay's send (the record's CreateTime),
    its receipt by a raw consumer on the topic, and its row seen in ``ctx_schools``."""

    acked: dict[str, float] = field(default_factory=dict)
    sent: dict[str, float] = field(default_factory=dict)
    on_kafka: dict[str, float] = field(default_factory=dict)
    seen: dict[str, float] = field(default_factory=dict)

    def stages(self) -> dict[str, list[float]]:
        """Milliseconds spent in each stage, for every school stamped at both its ends."""
        ends = {
            "201 → relay send": (self.acked, self.sent),
            "relay send → raw consumer": (self.sent, self.on_kafka),
            "raw consumer → read-model row": (self.on_kafka, self.seen),
        }
        return {name: [1000 * (b[k] - a[k]) for k in a if k in b] for name, (a, b) in ends.items()}


async def _tap(stamps: Stamps, ready: asyncio.Event, stop: asyncio.Event) -> None:
    """Stamp each staffing event as a plain consumer (no group) receives it."""
    bootstrap = ServiceSettings.for_service("reporting").kafka_bootstrap
    consumer = AIOKafkaConsumer(**kafka_client("reporting", bootstrap).aiokafka())
    await consumer.start()
    try:
        ends = await asyncio.to_thread(end_offsets, bootstrap, ["ssp.staffing.events"])
        consumer.assign([TopicPartition(t, p) for t, p in ends])
        for (t, p), offset in ends.items():
            consumer.seek(TopicPartition(t, p), offset)
        ready.set()
        while not stop.is_set():
            batches = await consumer.getmany(timeout_ms=100)
            now = time.time()
            for records in batches.values():
                for r in records:
                    data = json.loads(r.value or b"{}")
                    school_id = data.get("data", data).get("school_id")
                    if isinstance(school_id, str):
                        stamps.sent[school_id] = r.timestamp / 1000
                        stamps.on_kafka.setdefault(school_id, now)
    finally:
        await consumer.stop()


async def _commands(
    url: str, dsn: str, seconds: float, rate: int, stamps: Stamps | None = None
) -> list[float]:
    """Seconds from each 201 to its school's row in ``ctx_schools`` (stamping the stages)."""
    stamps = stamps or Stamps()
    ready, stop = asyncio.Event(), asyncio.Event()
    tap = asyncio.create_task(_tap(stamps, ready, stop))
    await asyncio.wait_for(ready.wait(), 30)
    parts = urlsplit(url)
    assert parts.hostname is not None and parts.port is not None
    headers = dict(bearer("borough_supervisor", "sgt-bench", borough="Hackney"))
    idle = [Connection(parts.hostname, parts.port, headers) for _ in range(32)]
    acked: dict[str, float] = {}
    seen: dict[str, float] = {}

    async def send() -> None:
        conn = idle.pop()
        try:
            body = school()
            status, answer = await conn.post(parts.path, body)
            if status != 201:
                raise RuntimeError(f"{status} {answer[:200]!r}")
            acked[body["school_id"]] = time.perf_counter()
            stamps.acked[body["school_id"]] = time.time()
        finally:
            idle.append(conn)

    sending = True

    async def watch(pool: asyncpg.Pool, until: float) -> None:
        while time.perf_counter() < until and (sending or len(seen) < len(acked)):
            waiting = [k for k in acked if k not in seen]
            if waiting:
                rows = await pool.fetch(
                    "SELECT school_id FROM ctx_schools WHERE school_id = ANY($1)", waiting
                )
                now, wall = time.perf_counter(), time.time()
                seen.update((r["school_id"], now) for r in rows)
                stamps.seen.update((r["school_id"], wall) for r in rows)
            await asyncio.sleep(POLL)

    pool = await asyncpg.create_pool(dsn, min_size=1, max_size=2)
    try:
        start = time.perf_counter()
        watcher = asyncio.create_task(watch(pool, start + seconds + 30))
        tasks = []
        for n in range(int(seconds * rate)):
            await asyncio.sleep(max(0.0, start + n / rate - time.perf_counter()))
            if idle:  # all 32 busy: the service is saturated; the command is dropped
                tasks.append(asyncio.create_task(send()))
        await asyncio.gather(*tasks)
        sending = False
        await watcher
    finally:
        stop.set()
        await tap
        await pool.close()
        for conn in idle:
            await conn.close()
    return [seen[k] - acked[k] for k in acked if k in seen]


async def _round_trips(bootstrap: str, seconds: float, rate: int) -> list[float]:
    """Seconds from send to receipt of raw records at ``rate`` a second."""
    topic = kafka_topic("ssp.platform.selftest")
    client = kafka_client("selftest", bootstrap).aiokafka()
    producer = AIOKafkaProducer(**client, **producer_options())
    consumer = AIOKafkaConsumer(**client, enable_auto_commit=False)
    await producer.start()
    await consumer.start()
    sent: dict[bytes, float] = {}
    took: list[float] = []
    try:
        parts = [TopicPartition(topic, p) for p in sorted(await producer.partitions_for(topic))]
        consumer.assign(parts)
        await consumer.seek_to_end(*parts)
        for tp in parts:
            await consumer.position(tp)  # resolve the end now, before the first send

        async def receive() -> None:
            while len(took) < int(seconds * rate):
                batches = await consumer.getmany(timeout_ms=100)
                now = time.perf_counter()
                for records in batches.values():
                    took.extend(now - sent[r.key] for r in records if r.key in sent)

        receiver = asyncio.create_task(receive())
        start = time.perf_counter()
        for n in range(int(seconds * rate)):
            await asyncio.sleep(max(0.0, start + n / rate - time.perf_counter()))
            key = uuid.uuid4().hex.encode()  # text, as every key on the platform's topics
            sent[key] = time.perf_counter()
            await producer.send(topic, b"{}", key=key)
        await asyncio.wait_for(receiver, 30)
    finally:
        await producer.stop()
        await consumer.stop()
    return took


def run(seconds: float, rate: int = RATE) -> list[Measure]:
    """p99 of the command path to the read model against the raw round trip, same rate; then
    the p99 of each stage (no goal of their own)."""
    stamps = Stamps()
    port = bench_port() + 2
    with fresh_database("benche2es") as staffing_db, fresh_database("benche2er") as reporting_db:
        suffix = f".bench-{uuid.uuid4().hex[:6]}"
        # The runners start at the topics' ends: the benchmark measures new events, not history.
        for runner, projections in runner_specs():
            for topic in {t for p in projections for t in p.topics}:
                start_at_end(reporting_db, runner, topic)
        reporting = ServiceProcess(
            "reporting",
            {"SSP_REPORTING_DB_NAME": reporting_db, "SSP_REPORTING_CONSUMER_GROUP_SUFFIX": suffix},
            port=port + 1,
        ).start()
        staffing = ServiceProcess("staffing", {"SSP_STAFFING_DB_NAME": staffing_db}, port=port)
        staffing.start()
        dsn = ServiceSettings.for_service("selftest", db_name=reporting_db).pg_dsn
        try:
            # Warm-up: the runner has read the topic's history and serves new events.
            asyncio.run(_commands(f"{staffing.url}/schools", dsn, 2, 10))
            before = _applied(reporting.url)
            ours = asyncio.run(_commands(f"{staffing.url}/schools", dsn, seconds, rate, stamps))
            after = _applied(reporting.url)
        finally:
            staffing.stop()
            reporting.stop()
    raw = asyncio.run(
        _round_trips(ServiceSettings.for_service("selftest").kafka_bootstrap, seconds, rate)
    )
    # A latency: the ratio is our p99 over the raw one, at most 5.
    stages = [
        Measure(f"  stage {name} p99", len(ms), p99(ms), f"p50 {p50(ms):,.0f} ms", 0.0, None, "ms")
        for name, ms in stamps.stages().items()
        if ms
    ]
    total = Measure(
        f"201→read model p99 @{rate}/s", len(ours), 1000 * p99(ours),
        "aiokafka produce→consume p99", 1000 * p99(raw), 5.0, "ms", at_most=True,
    )  # fmt: skip
    batches, took = after[0] - before[0], after[1] - before[1]
    if batches > 0:
        stages.append(
            Measure(
                f"  of which {VIEWS} applying, mean a batch",
                int(batches),
                1000 * took / batches,
                f"{len(ours) / batches:,.1f} events a batch",
                0.0,
                None,
                "ms",
            )
        )
    return [total, *stages]


def _applied(url: str) -> tuple[float, float]:
    """Batches the read models' runner applied so far and their seconds (its histogram)."""
    answer = httpx.get(f"{url}/metrics", timeout=10)
    found = {"count": 0.0, "sum": 0.0}
    for family in text_string_to_metric_families(answer.text if answer.is_success else ""):
        for sample in family.samples:
            if sample.name.startswith(APPLY) and sample.labels.get("runner") == VIEWS:
                found[sample.name.removeprefix(APPLY)] = sample.value
    return found["count"], found["sum"]
