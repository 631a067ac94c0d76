"""End-to-end latency: a command's 201 to its row in a reporting read model, at a fixed rate.

Staffing and reporting run as ``ssp serve`` on fresh databases; ``POST /schools`` is sent at a
fixed rate (open loop: a late answer does not slow the sending), and reporting's ``ctx_schools``
is polled for each acknowledged school. The baseline is a raw aiokafka round trip at the same
rate: produce with the relay's settings, consume with a plain consumer, time send to receipt.
A row without a goal repeats that raw round trip while the platform carries the same rate
beside it: what the shared machine alone does to a bare client's tail.
"""

import asyncio
import contextlib
import multiprocessing
import time
import uuid
from multiprocessing import Queue
from queue import Empty
from urllib.parse import urlsplit

import asyncpg
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from ssp_contracts.topics import kafka_topic

from bench.common import Measure, fresh_database
from bench.e2e_stages import VIEWS, Stamps, applied, p50, p99, tap
from bench.http_bench import bench_port, school
from bench.http_client import Connection
from services.cli.workload.platform import runner_topics
from services.runtime.kafka_security import kafka_client
from services.runtime.relay import producer_options
from services.runtime.settings import ServiceSettings
from services.runtime.testing import ServiceProcess, bearer
from services.runtime.topic_ends import start_runners_at_end

RATE = 200
POLL = 0.005


def _send(url: str, seconds: float, rate: int, acked: "Queue[tuple[str, float]]") -> None:
    """The open-loop sender, in a process of its own: (school id, wall time of its 201)."""

    async def main() -> None:
        parts = urlsplit(url)
        assert parts.hostname is not None and parts.port is not None
        headers = dict(bearer("borough_supervisor", "sgt-bench", borough="Hackney"))
        idle = [Connection(parts.hostname, parts.port, headers) for _ in range(32)]

        async def send() -> None:
            conn = idle.pop()
            try:
                body = school()
                status, answer = await conn.post(parts.path, body)
                if status != 201:
                    raise RuntimeError(f"{status} {answer[:200]!r}")
                acked.put((body["school_id"], time.time()))
            finally:
                idle.append(conn)

        tasks = []
        start = time.perf_counter()
        try:
            for n in range(int(seconds * rate)):
                await asyncio.sleep(max(0.0, start + n / rate - time.perf_counter()))
                if idle:  # all 32 busy: the service is saturated; the command is dropped
                    tasks.append(asyncio.create_task(send()))
            await asyncio.gather(*tasks)
        finally:
            for conn in idle:
                await conn.close()

    asyncio.run(main())


async def _commands(
    url: str, dsn: str, seconds: float, rate: int, stamps: Stamps | None = None
) -> list[float]:
    """Seconds from each 201 to its school's row in ``ctx_schools`` (stamping the stages).

    The commands are sent from another process: sending 200 a second is most of an event
    loop's work, and the stamps taken here (a record's receipt, a row seen) would wait for it.
    """
    stamps = stamps or Stamps()
    ready, stop = asyncio.Event(), asyncio.Event()
    tapping = asyncio.create_task(tap(stamps, ready, stop))
    await asyncio.wait_for(ready.wait(), 30)
    context = multiprocessing.get_context("spawn")
    queue: Queue[tuple[str, float]] = context.Queue()
    sender = context.Process(target=_send, args=(url, seconds, rate, queue), daemon=True)
    pool = await asyncpg.create_pool(dsn, min_size=1, max_size=2)
    try:
        sender.start()
        until = time.time() + seconds + 60
        while time.time() < until:
            with contextlib.suppress(Empty):
                while True:
                    school_id, at = queue.get_nowait()
                    stamps.acked[school_id] = at
            waiting = [k for k in stamps.acked if k not in stamps.seen]
            if waiting:
                rows = await pool.fetch(
                    "SELECT school_id FROM ctx_schools WHERE school_id = ANY($1)", waiting
                )
                wall = time.time()
                stamps.seen.update((r["school_id"], wall) for r in rows)
            elif not sender.is_alive() and queue.empty():
                break
            await asyncio.sleep(POLL)
        if sender.exitcode not in (0, None):
            raise RuntimeError(f"the sender failed (exit {sender.exitcode})")
    finally:
        stop.set()
        await tapping
        await pool.close()
        sender.join(10)
        if sender.is_alive():
            sender.kill()
    return [stamps.seen[k] - at for k, at in stamps.acked.items() if k in stamps.seen]


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


def _round_trips_apart(
    bootstrap: str, seconds: float, rate: int, out: "Queue[list[float]]"
) -> None:
    """``_round_trips`` in a process of its own (beside the platform's run)."""
    out.put(asyncio.run(_round_trips(bootstrap, seconds, rate)))


def _beside(url: str, dsn: str, seconds: float, rate: int) -> list[float]:
    """The raw round trip's latencies while the platform carries the same rate beside it.

    It says how much of the platform's tail the shared machine alone puts on a bare client:
    the goal's baseline runs with nothing else, the platform's stages with each other.
    """
    context = multiprocessing.get_context("spawn")
    out: Queue[list[float]] = context.Queue()
    bootstrap = ServiceSettings.for_service("selftest").kafka_bootstrap
    raw = context.Process(target=_round_trips_apart, args=(bootstrap, seconds, rate, out))
    raw.start()
    try:
        asyncio.run(_commands(url, dsn, seconds, rate))
        return out.get(timeout=seconds + 60)
    finally:
        raw.join(30)
        if raw.is_alive():
            raw.kill()


def _tail(name: str, ms: list[float]) -> Measure:
    """A row without a goal: the p99 of ``ms`` (milliseconds), its p50 beside it."""
    return Measure(f"  {name} p99", len(ms), p99(ms), f"p50 {p50(ms):,.0f} ms", 0.0, None, "ms")


def run(seconds: float, rate: int = RATE, split: bool = True) -> list[Measure]:
    """p99 of the command path to the read model against the raw round trip, same rate; then
    the p99 of each stage (no goal of their own)."""
    stamps = Stamps()
    port = bench_port() + 2
    with fresh_database("benche2es") as staffing_db, fresh_database("benche2er") as reporting_db:
        suffix = f".bench-{uuid.uuid4().hex[:6]}"
        # The runners start at the topics' ends: the benchmark measures new events, not history.
        start_runners_at_end(reporting_db, runner_topics())
        env = {"SSP_REPORTING_DB_NAME": reporting_db, "SSP_REPORTING_CONSUMER_GROUP_SUFFIX": suffix}
        # As deployed: the read models' runner and the audit trail's in processes of their own.
        roles = ("views", "audit") if split else ("all",)
        processes = [
            ServiceProcess(
                "reporting", {**env, "SSP_REPORTING_ROLE": role}, port=port + 1 + 2 * n
            ).start()
            for n, role in enumerate(roles)
        ]
        reporting = processes[0]
        staffing = ServiceProcess("staffing", {"SSP_STAFFING_DB_NAME": staffing_db}, port=port)
        staffing.start()
        dsn = ServiceSettings.for_service("selftest", db_name=reporting_db).pg_dsn
        try:
            # Warm-up: the runner has read the topic's history and serves new events.
            asyncio.run(_commands(f"{staffing.url}/schools", dsn, 2, 10))
            before = applied(reporting.url)
            ours = asyncio.run(_commands(f"{staffing.url}/schools", dsn, seconds, rate, stamps))
            after = applied(reporting.url)
            beside = _beside(f"{staffing.url}/schools", dsn, seconds, rate)
        finally:
            staffing.stop()
            for process in processes:
                process.stop()
    raw = asyncio.run(
        _round_trips(ServiceSettings.for_service("selftest").kafka_bootstrap, seconds, rate)
    )
    # A latency: the ratio is our p99 over the raw one, at most 5.
    stages = [_tail(f"stage {name}", ms) for name, ms in stamps.stages().items() if ms]
    total = Measure(
        f"201→read model p99 @{rate}/s", len(ours), 1000 * p99(ours),
        "aiokafka produce→consume p99", 1000 * p99(raw), 5.0, "ms", at_most=True,
    )  # fmt: skip
    stages.append(_tail("raw round trip beside the platform", [1000 * s for s in beside]))
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
