"""Kafka offset commits of applied batches, sent while the runner handles the next batch.

A runner's offsets of record are the ones stored with its read model, in the batch's own
transaction: on assignment it seeks to those (``runner._ResumeFromStoredOffsets``), so the
group's offsets in Kafka only show operators and tools where it is. FastStream's ack awaited
a commit round trip to the group coordinator after every batch (16 ms a batch on the loaded
benchmark machine, a fifth of the runner's time; bench/README.md); here the ack hands the
batch's next offsets to one background task and returns. Only offsets already stored with a
read model are committed, so Kafka's never run ahead of them.
"""

import asyncio
import logging
from collections.abc import Sequence
from typing import Any

from aiokafka import AIOKafkaConsumer, ConsumerRecord, TopicPartition

log = logging.getLogger(__name__)


class CommitsBehind:
    """One runner's Kafka commits, one at a time, newest offsets first merged."""

    def __init__(self, name: str) -> None:
        self.name = name
        self._pending: dict[TopicPartition, int] = {}
        self._task: asyncio.Task[None] | None = None

    def batch(self, consumer: AIOKafkaConsumer, records: Sequence[ConsumerRecord[Any, Any]]) -> Any:
        """What FastStream's message of ``records`` commits through and rewinds with."""
        return _BatchConsumer(self, consumer, records)

    def later(self, consumer: AIOKafkaConsumer, offsets: dict[TopicPartition, int]) -> None:
        """Commit ``offsets`` (next offset per partition) soon; returns at once."""
        for tp, offset in offsets.items():
            self._pending[tp] = max(self._pending.get(tp, 0), offset)
        if self._task is None or self._task.done():
            self._task = asyncio.get_running_loop().create_task(self._drain(consumer))

    async def idle(self) -> None:
        """Wait until every commit asked for so far has been sent (tests, shutdown)."""
        while self._task is not None and not self._task.done():
            await asyncio.shield(self._task)

    async def _drain(self, consumer: AIOKafkaConsumer) -> None:
        while self._pending:
            # Only partitions still assigned: another member may own the rest by now.
            assigned = consumer.assignment()
            offsets = {tp: o for tp, o in self._pending.items() if tp in assigned}
            self._pending = {}
            if not offsets:
                continue
            try:
                await consumer.commit(offsets)
            except Exception as exc:  # informational: the read model holds the offsets
                log.info("runner %s: Kafka offset commit skipped (%s)", self.name, exc)


class _BatchConsumer:
    """The consumer as one batch's FastStream message sees it: commit later, seek now."""

    def __init__(
        self,
        commits: CommitsBehind,
        consumer: AIOKafkaConsumer,
        records: Sequence[ConsumerRecord[Any, Any]],
    ) -> None:
        self.commits = commits
        self.consumer = consumer
        self.records = records

    async def commit(self) -> None:
        """The batch was applied (its offsets stored with the read model): commit behind."""
        offsets: dict[TopicPartition, int] = {}
        for r in self.records:
            tp = TopicPartition(r.topic, r.partition)
            offsets[tp] = max(offsets.get(tp, 0), r.offset + 1)
        self.commits.later(self.consumer, offsets)

    def seek(self, partition: TopicPartition, offset: int) -> None:
        """Rewind for a redelivery (FastStream's nack), at once."""
        self.consumer.seek(partition, offset)
