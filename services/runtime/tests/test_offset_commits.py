"""Kafka commits of applied batches go out behind the runner, in order, never ahead."""

import asyncio
from typing import Any

from aiokafka import ConsumerRecord, TopicPartition

from services.runtime.offset_commits import CommitsBehind

A0, A1 = TopicPartition("a", 0), TopicPartition("a", 1)


class SlowConsumer:
    """Records what it is asked to commit; each commit waits until released."""

    def __init__(self, assigned: set[TopicPartition]) -> None:
        self.assigned = assigned
        self.commits: list[dict[TopicPartition, int]] = []
        self.release = asyncio.Event()
        self.sought: list[tuple[TopicPartition, int]] = []

    def assignment(self) -> set[TopicPartition]:
        return self.assigned

    async def commit(self, offsets: dict[TopicPartition, int]) -> None:
        self.commits.append(offsets)
        await self.release.wait()
        if offsets.get(A1) == 99:
            raise RuntimeError("the group rebalanced")

    def seek(self, tp: TopicPartition, offset: int) -> None:
        self.sought.append((tp, offset))


def records(tp: TopicPartition, *offsets: int) -> list[ConsumerRecord[Any, Any]]:
    """Records of ``tp`` at ``offsets`` (only where they are matters)."""
    return [
        ConsumerRecord(tp.topic, tp.partition, o, 0, 0, None, b"", None, 0, 0, ()) for o in offsets
    ]


def test_acks_return_at_once_and_commits_follow_merged_and_in_order() -> None:
    async def run() -> SlowConsumer:
        consumer = SlowConsumer({A0, A1})
        commits = CommitsBehind("r")
        # Given a batch acked while no commit is in flight: it goes out
        await commits.batch(consumer, records(A0, 0, 1, 2)).commit()
        await asyncio.sleep(0)
        # When two more batches are acked while it is in flight (the acks return at once)
        await commits.batch(consumer, records(A0, 3, 4) + records(A1, 7)).commit()
        await commits.batch(consumer, records(A0, 5)).commit()
        consumer.release.set()
        await commits.idle()
        return consumer

    consumer = asyncio.run(run())
    # Then one commit follows with the newest offset of each partition
    assert consumer.commits == [{A0: 3}, {A0: 6, A1: 8}]


def test_a_failed_or_unassigned_commit_is_skipped_and_seeks_go_through() -> None:
    async def run() -> SlowConsumer:
        consumer = SlowConsumer({A1})
        consumer.release.set()
        commits = CommitsBehind("r")
        batch = commits.batch(consumer, records(A0, 4) + records(A1, 98))
        await batch.commit()
        await commits.idle()
        batch.seek(A0, 4)
        return consumer

    consumer = asyncio.run(run())
    # Partition a/0 is another member's now: only a/1 is committed (and its failure is logged)
    assert consumer.commits == [{A1: 99}]
    assert consumer.sought == [(A0, 4)]
