"""What a projection is: the events it receives and the read model it keeps."""

from abc import ABC, abstractmethod
from collections.abc import Awaitable, Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

import asyncpg
from aiokafka import ConsumerRecord
from asyncpg.pool import PoolConnectionProxy
from ssp_contracts import CloudEvent, EnvelopeError, EventPayload, parse_payload
from ssp_contracts.topics import catalogue_topic

from services.runtime.batching import StatementBatch
from services.runtime.dispatch import Handlers
from services.runtime.provenance import check_provenance

# Projections get a pooled connection; plain connections work the same way.
Connection = asyncpg.Connection | PoolConnectionProxy


@dataclass(frozen=True)
class ReceivedEvent:
    """A decoded event with its payload and where it came from (the catalogue's topic name)."""

    envelope: CloudEvent
    payload: EventPayload
    topic: str
    partition: int
    offset: int


class Projection(ABC):
    """A read model: its tables and how a batch of events changes them."""

    name: ClassVar[str]
    topics: ClassVar[tuple[str, ...]]

    @abstractmethod
    async def create_tables(self, conn: Connection) -> None:
        """Create the read model's tables if missing."""

    @abstractmethod
    async def apply(self, conn: Connection, events: Sequence[ReceivedEvent]) -> None:
        """Apply new events, in order, inside the runner's transaction."""


def decode_record(record: ConsumerRecord[Any, Any], topic: str | None = None) -> ReceivedEvent:
    """Decode a Kafka record into a ReceivedEvent; raises EnvelopeError (ProvenanceError).

    ``topic`` is the catalogue's name of ``record.topic`` when the caller already knows it.
    """
    envelope = CloudEvent.from_kafka(record.headers or (), record.value)
    topic = topic or catalogue_topic(record.topic)
    check_provenance(envelope, topic)
    return ReceivedEvent(envelope, parse_payload(envelope), topic, record.partition, record.offset)


def decode_records(
    records: Iterable[ConsumerRecord[Any, Any]],
) -> Iterator[tuple[ConsumerRecord[Any, Any], ReceivedEvent | EnvelopeError]]:
    """Each record of a batch with its event, or with the EnvelopeError that rejects it."""
    topics: dict[str, str] = {}  # the broker's name -> the catalogue's, once per batch
    for record in records:
        topic = topics.get(record.topic)
        if topic is None:
            topic = topics[record.topic] = catalogue_topic(record.topic)
        try:
            yield record, decode_record(record, topic)
        except EnvelopeError as exc:
            yield record, exc


# A handler of one payload type: it queues its statements on the batch.
Apply = Callable[[StatementBatch, Any], Awaitable[None]]


class HandledProjection(Projection):
    """A projection whose ``handlers`` table says what each payload type changes.

    The one apply loop of every such read model: each event goes to the handler of its payload
    type (types without one are ignored), and consecutive statements of the batch are sent as
    ``executemany`` runs (``StatementBatch``).
    """

    handlers: ClassVar[Handlers[Apply]]

    async def apply(self, conn: Connection, events: Sequence[ReceivedEvent]) -> None:
        batch = StatementBatch(conn)
        for event in events:
            handler = self.handlers.get(event.payload)
            if handler is not None:
                await handler(batch, event.payload)
        await batch.flush()
