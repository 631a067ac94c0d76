"""Group commit: concurrent commands of one process share a transaction and its WAL flush.

The library's recorder takes the events table's EXCLUSIVE lock in every transaction, so that
notification ids are issued in commit order and a reader tailing the log never passes a gap a
later commit fills. That lock serialises commits: sixteen concurrent commands wait for sixteen
WAL flushes one after another. Here the first command to arrive leads: it takes every command
queued behind it, inserts their idempotency keys and events in one transaction under the same
lock, commits once, and hands the lead to the next command that queued meanwhile. The log keeps
exactly the library's guarantee (one lock holder at a time, across processes too); only the
number of commits per command falls.

A batch that fails on a unique constraint (a version conflict, a duplicate idempotency key) is
rolled back and its commands are committed one by one, so only the conflicting one fails.
"""

import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from eventsourcing.persistence import IntegrityError, InterfaceError, OperationalError, StoredEvent
from eventsourcing.postgres import PostgresApplicationRecorder
from eventsourcing.utils import retry
from psycopg.sql import SQL, Identifier

from services.runtime.answers import predicted, recorded_status
from services.runtime.idempotency_store import CURRENT, IdempotentRecorder, Pending

# Enough to cover every thread of FastAPI's pool; a batch's statements stay a few round trips.
MAX_BATCH = 64


@dataclass
class _Command:
    """One caller's events (and key), waiting for the leader to commit them."""

    events: Sequence[StoredEvent]
    pending: Pending | None
    wake: threading.Event = field(default_factory=threading.Event)
    lead: bool = False
    done: bool = False
    ids: list[int] = field(default_factory=list)
    error: BaseException | None = None


class GroupCommitRecorder(IdempotentRecorder):
    """The idempotent recorder, committing concurrent callers' events in shared transactions."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._mutex = threading.Lock()
        self._queue: list[_Command] = []
        self._busy = False

    def insert_events(self, stored_events: Sequence[StoredEvent], **kwargs: Any) -> Any:
        """Queue the events; lead a batch if nobody is committing, else wait for the leader."""
        if not stored_events:
            return []
        command = _Command(stored_events, CURRENT.get())
        if command.pending is not None and command.pending.recorded:
            command.pending = None  # a later save of the same request: the key is stored
        with self._mutex:
            self._queue.append(command)
            if not self._busy:
                self._busy = command.lead = True
        while not command.done:
            if command.lead:
                self._lead()
            else:
                command.wake.wait()
        if command.error is not None:
            raise command.error
        if command.pending is not None:
            command.pending.recorded = True
        return command.ids

    def _lead(self) -> None:
        with self._mutex:
            batch, self._queue = self._queue[:MAX_BATCH], self._queue[MAX_BATCH:]
        try:
            self._commit(batch)
        except BaseException as exc:  # every caller of the batch hears of it
            for command in batch:
                if command.error is None and not command.ids:
                    command.error = exc
        finally:
            with self._mutex:
                following = self._queue[0] if self._queue else None
                if following is not None:
                    following.lead = True
                else:
                    self._busy = False
            for command in batch:
                command.done = True
                command.wake.set()
            if following is not None:
                following.wake.set()

    def _commit(self, batch: list[_Command]) -> None:
        try:
            self._insert_batch(batch)
        except IntegrityError as exc:
            if len(batch) == 1:
                batch[0].error = exc
                return
            for command in batch:  # find the conflicting one: the others still commit
                try:
                    self._insert_batch([command])
                except IntegrityError as single:
                    command.error = single

    def _insert_key(self, curs: Any, pending: Any, events: Sequence[StoredEvent]) -> None:
        route_status = recorded_status(pending.scope) if pending.scope is not None else None
        pending.stored = predicted(route_status, events)
        status, headers, body = pending.stored or (None, None, None)
        curs.execute(
            SQL(
                "INSERT INTO {}.ssp_idempotency_keys"
                " (caller, key, fingerprint, status, headers, body)"
                " VALUES (%s, %s, %s, %s, %s::jsonb, %s)"
            ).format(Identifier(self.datastore.schema)),
            (pending.caller, pending.key, pending.fingerprint, status, headers, body),
        )

    @retry((InterfaceError, OperationalError), max_attempts=10, wait=0.2)  # as the library
    def _insert_batch(self, batch: list[_Command]) -> None:
        events = [e for command in batch for e in command.events]
        keyed = [c for c in batch if c.pending is not None]
        with self.datastore.get_connection() as conn, conn.transaction(), conn.cursor() as curs:
            for command in keyed:
                # Each command's key row carries its own answer, read from its own events (not
                # the batch's), so a retry after a crash past this commit gets it back.
                self._insert_key(curs, command.pending, command.events)
            # The library's own insert: the table lock, NOTIFY, one statement for all rows.
            PostgresApplicationRecorder._insert_stored_events(self, curs, events)
            ids = [row["notification_id"] for row in curs.fetchall()]
        if len(ids) != len(events):
            raise IntegrityError(f"got {len(ids)} notification ids for {len(events)} events")
        start = 0
        for command in batch:
            command.ids = ids[start : start + len(command.events)]
            start += len(command.events)
