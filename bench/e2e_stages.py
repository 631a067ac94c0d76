"""Where a command's time goes on its way to the read model: per-stage stamps for the e2e
benchmark (a plain consumer's view of the topic, the runner's own apply-time histogram)."""

import asyncio
import json
import time
from dataclasses import dataclass, field

import httpx
from aiokafka import AIOKafkaConsumer, TopicPartition
from prometheus_client.parser import text_string_to_metric_families

from services.runtime.kafka_security import kafka_client
from services.runtime.settings import ServiceSettings
from services.runtime.topic_ends import end_offsets

VIEWS = "reporting.views"
APPLY = "ssp_projection_apply_seconds_"


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


async def tap(stamps: Stamps, ready: asyncio.Event, stop: asyncio.Event) -> None:
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


def applied(url: str) -> tuple[float, float]:
    """Batches the read models' runner applied so far and their seconds (its histogram)."""
    answer = httpx.get(f"{url}/metrics", timeout=10)
    found = {"count": 0.0, "sum": 0.0}
    for family in text_string_to_metric_families(answer.text if answer.is_success else ""):
        for sample in family.samples:
            if sample.name.startswith(APPLY) and sample.labels.get("runner") == VIEWS:
                found[sample.name.removeprefix(APPLY)] = sample.value
    return found["count"], found["sum"]
