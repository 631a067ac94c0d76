"""The relay's messages handed to the producer as whole record batches, one per partition.

``AIOKafkaProducer.send`` costs about 20 µs of Python per message (a coroutine, the
accumulator, a future per message); appending to a ``BatchBuilder`` costs a few, and the
broker receives the same records (key, value, headers, timestamp) through the same idempotent
producer, in log order within each partition, so each aggregate's order holds.
"""

import asyncio
from typing import Any

from aiokafka import AIOKafkaProducer
from aiokafka.errors import MessageSizeTooLargeError
from aiokafka.record.default_records import DefaultRecordBatchBuilder
from ssp_contracts.topics import kafka_topic

from services.runtime.relay_batch import Message
from services.runtime.relay_errors import Poison, describe
from services.runtime.relay_partitions import KeyPartitions

# (first notification id in the batch, the batch's delivery future, how many messages)
Sent = list[tuple[int, "asyncio.Future[Any]", int]]


class BatchSender:
    """Appends messages to a record batch per partition and hands full ones to the producer."""

    def __init__(self, producer: AIOKafkaProducer, max_request_bytes: int) -> None:
        self.producer = producer
        self.max_request_bytes = max_request_bytes
        self._partitions = KeyPartitions()

    async def send(self, messages: list[Message]) -> tuple[Sent, Poison | None]:
        """Send ``messages`` in order, stopping at one the producer would refuse outright."""
        producer, partition = self.producer, self._partitions.partition
        # The catalogue's name to the broker's (prefixed) one and its partitions, as the
        # producer's metadata lists them (the order the default partitioner indexes).
        topics: dict[str, tuple[str, list[int]]] = {}
        # (topic, partition) -> [first notification id, builder, messages in it]
        building: dict[tuple[str, int], list[Any]] = {}
        sent: Sent = []
        poison: Poison | None = None
        for notification_id, catalogue_topic, key, value, headers in messages:
            if catalogue_topic not in topics:
                name = kafka_topic(catalogue_topic)
                topics[catalogue_topic] = (name, list(await producer.partitions_for(name)))
            topic, partitions = topics[catalogue_topic]
            size = DefaultRecordBatchBuilder.estimate_size_in_bytes(key, value, headers)
            if size > self.max_request_bytes:
                poison = refused(notification_id, size)
                break
            tp = (topic, partition(topic, partitions, key))
            batch = building.get(tp)
            if batch is not None and (
                batch[1].append(key=key, value=value, timestamp=None, headers=headers) is not None
            ):
                batch[2] += 1
                continue
            if batch is not None:  # full: it goes, and a new one starts with this message
                sent.append(await self._send_batch(tp, building.pop(tp)))
            builder = producer.create_batch()
            if builder.append(key=key, value=value, timestamp=None, headers=headers) is None:
                poison = refused(notification_id, size)
                break
            building[tp] = [notification_id, builder, 1]
        for tp in list(building):
            sent.append(await self._send_batch(tp, building.pop(tp)))
        sent.sort(key=lambda s: s[0])
        return sent, poison

    async def _send_batch(
        self, tp: tuple[str, int], batch: list[Any]
    ) -> tuple[int, "asyncio.Future[Any]", int]:
        first, builder, count = batch
        future = await self.producer.send_batch(builder, tp[0], partition=tp[1])
        return first, future, count


def refused(notification_id: int, size: int) -> Poison:
    """The poison of a message larger than a request may be (what ``send`` would raise)."""
    exc = MessageSizeTooLargeError(
        f"The message is {size} bytes when serialized which is larger than the maximum"
        " request size you have configured with the max_request_size configuration"
    )
    return Poison(notification_id, "refused", describe(exc))
