"""One synchronous PostgreSQL connection behind a lock: the key table, its links, the registry.

The eventsourcing application that seals and opens fields is synchronous, and its key look-ups
are few (``SubjectKeys`` caches keys), so each of these tables keeps one connection, opened on
first use. A dropped connection (a database restart) is retried once on a new one.
"""

import threading
from collections.abc import Callable
from typing import Any, TypeVar

import psycopg

T = TypeVar("T")


class SyncConnection:
    """A lazily opened autocommit connection, used by one thread at a time."""

    def __init__(self, dsn: str, schema: str | None = None) -> None:
        self._dsn = dsn
        self._options = f"-c search_path={schema}" if schema else ""
        self._conn: psycopg.Connection[Any] | None = None
        self._lock = threading.Lock()

    def run(self, sql: str, *args: Any) -> list[tuple[Any, ...]]:
        """The rows of one statement (none for a statement without a result)."""

        def statement(conn: psycopg.Connection[Any]) -> list[tuple[Any, ...]]:
            cur = conn.execute(sql, args)
            return cur.fetchall() if cur.description else []

        return self._with_retry(statement, transaction=False)

    def in_transaction(self, work: Callable[[psycopg.Connection[Any]], T]) -> T:
        """``work`` run in one transaction on the connection."""
        return self._with_retry(work, transaction=True)

    def _with_retry(self, work: Callable[[psycopg.Connection[Any]], T], transaction: bool) -> T:
        with self._lock:
            for attempt in (1, 2):
                try:
                    if self._conn is None or self._conn.closed:
                        self._conn = psycopg.connect(
                            self._dsn, autocommit=True, options=self._options
                        )
                    if not transaction:
                        return work(self._conn)
                    with self._conn.transaction():
                        return work(self._conn)
                except psycopg.OperationalError:
                    self._conn = None
                    if attempt == 2:
                        raise
            raise AssertionError("unreachable")

    def close(self) -> None:
        """Close the connection (a later use opens another)."""
        with self._lock:
            if self._conn is not None:
                self._conn.close()
                self._conn = None
