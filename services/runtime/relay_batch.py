"""One batch of the notification log turned into Kafka messages: the relay's translation step.

The same function runs in the relay's worker process (``relay_worker``) and, when there is
none, in a thread of the relay's own process, so both paths publish byte-identical messages.
"""

import asyncio
import importlib
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from eventsourcing.application import Application
from eventsourcing.persistence import Mapper, Notification

from services.runtime.relay_errors import Poison, describe
from services.runtime.relay_skip import RelaySkip, skip_message
from services.runtime.translation import Translator

# (notification id, catalogue topic, key, value, headers): plain values, cheap to pickle.
Message = tuple[int, str, bytes, bytes, list[tuple[str, bytes]]]


@dataclass
class Batch:
    """What one read of the log gave: its messages in log order, up to a poison if any."""

    read: int
    last_id: int
    messages: list[Message]
    poison: Poison | None = None
    # (pseudonym, sub) of actors first met while translating, in another process.
    actors: list[tuple[str, str]] = field(default_factory=list)


def translate(
    mapper: Mapper[Any],
    translator: Translator,
    notifications: Sequence[Notification],
    skips: set[int],
    source: str,
) -> tuple[list[Message], Poison | None]:
    """Messages in log order, up to the first event that cannot be translated."""
    out: list[Message] = []
    message_of, to_domain_event = translator.message, mapper.to_domain_event
    for notification in notifications:
        if notification.id in skips:
            continue
        try:
            domain_event = to_domain_event(notification)
            if isinstance(domain_event, RelaySkip.Recorded):
                message = skip_message(domain_event, source)
            else:
                message = message_of(domain_event, source)
        except Exception as exc:  # a translation bug stops the relay here
            return out, Poison(notification.id, "translation", describe(exc))
        if message is not None:
            out.append(
                (notification.id, message.topic, message.key, message.value, message.headers)
            )
    return out, None


def read_batch(
    app: Application, translator: Translator, start: int, limit: int, skips: set[int], source: str
) -> Batch:
    """Read up to ``limit`` notifications from ``start`` and translate them."""
    notifications = app.recorder.select_notifications(start, limit)
    messages, poison = translate(app.mapper, translator, notifications, skips, source)
    last = notifications[-1].id if notifications else 0
    return Batch(len(notifications), last, messages, poison)


class InProcessReader:
    """Reads and translates batches in a thread of the relay's own process."""

    def __init__(self, app: Application, translator: Translator) -> None:
        self.app, self.translator = app, translator

    def ask(self, start: int, limit: int, skips: set[int], source: str) -> "asyncio.Task[Batch]":
        """Start reading the batch from ``start``; the task gives it."""
        args = (self.app, self.translator, start, limit, skips, source)
        return asyncio.ensure_future(asyncio.to_thread(read_batch, *args))

    async def close(self) -> None:
        """Nothing to release."""


def topic_of(obj: object, home: str | None = None) -> str | None:
    """``module:attribute`` of a module-level object another process can import, else None.

    ``home`` (the module that made it) is looked in first, so the worker imports that module
    rather than whichever imported the object first.
    """
    modules = [home] if home in sys.modules else []
    for name in [*modules, *list(sys.modules)]:
        module = sys.modules.get(name or "")
        if name is None or name.startswith("__") or module is None:
            continue
        for attr, value in list(vars(module).items()):
            if value is obj and not attr.startswith("__"):
                return f"{name}:{attr}"
    return None


def resolve(topic: str) -> Any:
    """The object ``topic_of`` named."""
    module, attr = topic.split(":")
    return getattr(importlib.import_module(module), attr)
