"""What can go wrong in the relay: refusals for good (stall), lost leadership, and the
bounded reasons failures are counted under."""

from aiokafka.errors import (
    CorruptRecordException,
    KafkaError,
    MessageSizeTooLargeError,
    RecordListTooLargeError,
)
from pydantic import ValidationError

# What the broker refuses whatever the number of retries.
REFUSED_FOR_GOOD = (MessageSizeTooLargeError, RecordListTooLargeError, CorruptRecordException)


class Poison(Exception):
    """An event refused for good (by the broker or the translator): the relay stops at it."""

    def __init__(self, notification_id: int, reason: str, error: str) -> None:
        super().__init__(f"notification {notification_id}: {error}")
        self.notification_id, self.reason, self.error = notification_id, reason, error


class LostLeadership(Exception):
    """The connection that holds the leadership lock is gone."""


class WorkerFailed(Exception):
    """The relay's worker process could not read or translate a batch, for ``reason``."""

    def __init__(self, reason: str, error: str) -> None:
        super().__init__(error)
        self.reason = reason


def error_reason(exc: BaseException) -> str:
    """The bounded ``reason`` label of a failure."""
    if isinstance(exc, WorkerFailed):
        return exc.reason
    if isinstance(exc, LostLeadership):
        return "leadership"
    if isinstance(exc, KafkaError):
        return "kafka"
    module = type(exc).__module__
    if module.startswith(("asyncpg", "psycopg")) or isinstance(exc, OSError):
        return "database"
    return "other"


def describe(exc: BaseException) -> str:
    """One line about a refusal, without the event's data (it may hold personal details)."""
    if isinstance(exc, ValidationError):
        first = exc.errors()[0]
        field = ".".join(str(p) for p in first["loc"])
        return f"{exc.title}: {field}: {first['msg']}"[:500]
    if isinstance(exc, KafkaError):
        return f"{type(exc).__name__}: {exc}"[:500]
    return type(exc).__name__
