"""What the command mixins share: typed loading and each record's history."""

from typing import Any, TypeVar
from uuid import UUID

from eventsourcing.domain import Aggregate

from services.runtime.domain import NotFound, ServiceApplication

A = TypeVar("A", bound=Aggregate)


class Base(ServiceApplication):
    """Loading of aggregates by kind and their event history."""

    def load(self, kind: type[A], record_id: UUID) -> A:
        """The record ``record_id`` of ``kind``; NotFound if it is another kind or absent."""
        record: Aggregate = self.repository.get(record_id)
        if not isinstance(record, kind):
            raise NotFound(f"no {kind.__name__} {record_id}")
        return record

    def history(self, kind: type[Aggregate], record_id: UUID) -> list[Any]:
        """Every event of the record, oldest first."""
        self.load(kind, record_id)
        return list(self.events.get(record_id))
