"""Folds a service's own notification log into an in-process view, caught up before each read."""

import threading
from collections.abc import Callable
from typing import Any

from eventsourcing.application import Application
from eventsourcing.utils import get_topic

from services.runtime.dispatch import Handlers

# A view's handler: it receives the view itself and one domain event.
Fold = Callable[[Any, Any], None]


class LogFollower:
    """Reads the notification log from where it stopped and hands each event to its handler.

    The event store is the source of truth; the views it feeds need no second database,
    every replica sees every record, and a restart rebuilds them from the store.
    """

    def __init__(self, app: Application, view: object, handlers: Handlers[Fold], batch: int = 1000):
        self.app = app
        self.view = view
        self.handlers = handlers
        self.batch = batch
        self.position = 0
        # Only the event types the view folds are read from the database.
        self._topics = tuple(get_topic(t) for t in handlers.types())
        self.lock = threading.RLock()

    def catch_up(self) -> None:
        """Fold every notification recorded since the last call."""
        with self.lock:
            while True:
                notifications = self.app.recorder.select_notifications(
                    self.position + 1, self.batch, topics=self._topics
                )
                for notification in notifications:
                    event = self.app.mapper.to_domain_event(notification)
                    handler = self.handlers.get(event)
                    if handler is not None:
                        handler(self.view, event)
                    self.position = notification.id
                if len(notifications) < self.batch:
                    return
