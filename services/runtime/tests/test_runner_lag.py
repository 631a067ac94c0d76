"""A runner stops reporting the lag of partitions a rebalance gave to another instance."""

from types import SimpleNamespace

from aiokafka import TopicPartition
from prometheus_client import CollectorRegistry

from services.runtime.metrics import ProjectionMetrics
from services.runtime.runner import ProjectionRunner, _ResumeFromStoredOffsets


async def test_revoked_partitions_lose_their_lag_gauge() -> None:
    registry = CollectorRegistry()
    metrics = ProjectionMetrics(registry)
    runner = ProjectionRunner.__new__(ProjectionRunner)  # no broker: only its lag bookkeeping
    runner.name, runner.metrics, runner.lag_reported = "reporting.views", metrics, set()
    runner.subscriber = SimpleNamespace(consumer=Consumer())  # type: ignore[assignment]
    listener = _ResumeFromStoredOffsets(runner)
    await runner._observe_lag()
    assert reported(registry) == {"0", "1", "2"}

    await listener.on_partitions_revoked([TopicPartition(TOPIC, 1)])
    assert reported(registry) == {"0", "2"}
    # A batch that ends during the rebalance reports the old assignment once more; the new
    # assignment (without partition 2) clears what is no longer this instance's.
    await runner._observe_lag()
    runner.stored_offsets = stored_offsets  # type: ignore[method-assign]
    await listener.on_partitions_assigned([TopicPartition(TOPIC, 0)])
    assert reported(registry) == {"0"}


TOPIC = "ssp.staffing.events"


class Consumer:
    """What the runner asks of aiokafka's consumer for its lag."""

    def assignment(self) -> set[TopicPartition]:
        return {TopicPartition(TOPIC, p) for p in range(3)}

    def highwater(self, tp: TopicPartition) -> int:
        return 2000

    async def position(self, tp: TopicPartition) -> int:
        return 500

    def seek(self, tp: TopicPartition, offset: int) -> None:
        pass


async def stored_offsets() -> dict[tuple[str, int], int]:
    return {}


def reported(registry: CollectorRegistry) -> set[str]:
    """The partitions whose lag the registry holds."""
    return {
        s.labels["partition"]
        for family in registry.collect()
        for s in family.samples
        if s.name == "ssp_consumer_lag"
    }
