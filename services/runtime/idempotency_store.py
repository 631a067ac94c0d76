"""Where an ``Idempotency-Key`` is stored: in the command's own transaction, with its events.

``IdempotencyKeys`` (idempotency.py) puts the request's ``Pending`` key in ``CURRENT``; the
recorder below inserts it, and the answer it can already tell, just before the events, so a key
is recorded if and only if its events are (group_commit.py does the same for a batch).
"""

import contextvars
from dataclasses import dataclass
from typing import Any

from eventsourcing.postgres import PostgresApplicationRecorder
from starlette.types import Scope

from services.runtime.answers import Answer, predicted, recorded_status

IDEMPOTENCY_DDL = """
CREATE TABLE IF NOT EXISTS ssp_idempotency_keys (
    caller text NOT NULL,
    key text NOT NULL,
    fingerprint text NOT NULL,
    status int,
    headers jsonb,
    body bytea,
    recorded_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (caller, key)
)"""


@dataclass
class Pending:
    """The keyed command this request is running; the recorder stores it with the events."""

    caller: str
    key: str
    fingerprint: str
    recorded: bool = False
    # The request's scope: the router puts its route there, which tells the answer's kind.
    scope: Scope | None = None
    # The answer stored with the events, if the store could tell it.
    stored: Answer | None = None


CURRENT: contextvars.ContextVar[Pending | None] = contextvars.ContextVar(
    "ssp_idempotency", default=None
)


class IdempotentRecorder(PostgresApplicationRecorder):
    """The library's recorder, storing the request's idempotency key in the events' transaction."""

    def _insert_events(self, curs: Any, stored_events: Any, **kwargs: Any) -> None:
        super()._insert_events(curs, stored_events, **kwargs)
        pending = CURRENT.get()
        if pending is not None and not pending.recorded:
            route_status = recorded_status(pending.scope) if pending.scope is not None else None
            pending.stored = predicted(route_status, stored_events)
            status, headers, body = pending.stored or (None, None, None)
            curs.execute(
                f'INSERT INTO "{self.datastore.schema}".ssp_idempotency_keys'
                " (caller, key, fingerprint, status, headers, body)"
                " VALUES (%s, %s, %s, %s, %s::jsonb, %s)",
                (pending.caller, pending.key, pending.fingerprint, status, headers, body),
            )

    def insert_events(self, stored_events: Any, **kwargs: Any) -> Any:
        """Insert as the library does; note that the key is now stored with the events."""
        ids = super().insert_events(stored_events, **kwargs)
        pending = CURRENT.get()
        if pending is not None:
            pending.recorded = True  # later saves of the same request do not insert it again
        return ids
