"""A runner stops reporting the lag of partitions a rebalance gave to another instance."""

from types import SimpleNamespace

from aiokafka import TopicPartition
from prometheus_client import CollectorRegistry

from services.runtime.metrics import ProjectionMetrics
from services.runtime.runner import _ResumeFromStoredOffsets


async def test_revoked_partitions_lose_their_lag_gauge() -> None:
    registry = CollectorRegistry()
    metrics = ProjectionMetrics(registry)
    runner = SimpleNamespace(name="reporting.views", metrics=metrics)
    for partition in range(3):
        metrics.lag.labels("reporting.views", "ssp.staffing.events", str(partition)).set(1500)
    listener = _ResumeFromStoredOffsets(runner)  # type: ignore[arg-type]

    await listener.on_partitions_revoked([TopicPartition("ssp.staffing.events", 1)])

    kept = {
        s.labels["partition"]
        for family in registry.collect()
        for s in family.samples
        if s.name == "ssp_consumer_lag"
    }
    assert kept == {"0", "2"}
