"""A handler per event type: the one dispatch table behind views and projections."""

from collections.abc import Callable, Iterator
from typing import Any, Generic, TypeVar

from eventsourcing.domain import DomainEvent

H = TypeVar("H", bound=Callable[..., Any])


class Handlers(Generic[H]):
    """Maps event classes to the handler that folds them; unknown types are ignored."""

    def __init__(self) -> None:
        self._table: dict[type, H] = {}

    def on(self, *types: type) -> Callable[[H], H]:
        """Decorator: ``handler`` folds every event of ``types``."""

        def register(handler: H) -> H:
            for t in types:
                if t in self._table:
                    raise ValueError(f"{t.__qualname__} already has a handler")
                self._table[t] = handler
            return handler

        return register

    def get(self, event: object) -> H | None:
        """The handler of ``event``'s class (or of the nearest registered base), if any."""
        for cls in type(event).__mro__:
            handler = self._table.get(cls)
            if handler is not None:
                return handler
        return None

    def types(self) -> Iterator[type]:
        """The event classes that have a handler."""
        return iter(self._table)


def event_classes(aggregate: type) -> list[type]:
    """Every event class an eventsourcing aggregate declares (its nested ``DomainEvent``s)."""
    return [
        v
        for v in vars(aggregate).values()
        if isinstance(v, type) and issubclass(v, DomainEvent) and v.__qualname__.count(".") == 1
    ]
