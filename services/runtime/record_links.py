"""Which record keys name which subjects (``record_keys``): pseudonyms on both sides.

``ssp_record_subjects`` is made by the migration role with the trigger that announces deleted
keys (``key_events``); the service's role inserts, reads and deletes links.
"""

import threading
from collections.abc import Iterable
from typing import Any, Protocol

from services.runtime.sync_connection import SyncConnection

RECORD_LINKS_DDL = """
CREATE TABLE IF NOT EXISTS ssp_record_subjects (
    subject_pseudonym text NOT NULL,
    record_pseudonym text NOT NULL,
    PRIMARY KEY (subject_pseudonym, record_pseudonym)
);
CREATE INDEX IF NOT EXISTS ssp_record_subjects_record ON ssp_record_subjects (record_pseudonym)
"""


async def create_record_tables(conn: Any) -> None:
    """Create the record links, and the trigger that announces every deleted key to the
    service's processes (``key_events``), as the migration role (asyncpg connection)."""
    from services.runtime.key_events import create_delete_trigger

    await conn.execute(RECORD_LINKS_DDL)
    await create_delete_trigger(conn)


class Links(Protocol):
    """Which record keys name which subjects (pseudonyms on both sides)."""

    def add(self, record: str, subjects: Iterable[str]) -> None: ...
    def records_of(self, subject: str) -> list[str]: ...
    def drop_record(self, record: str) -> None: ...


class MemoryLinks:
    """The links of an in-memory application (fast tests)."""

    def __init__(self) -> None:
        self._pairs: set[tuple[str, str]] = set()
        self._lock = threading.Lock()

    def add(self, record: str, subjects: Iterable[str]) -> None:
        """Link ``record`` to each of ``subjects``."""
        with self._lock:
            self._pairs.update((s, record) for s in subjects)

    def records_of(self, subject: str) -> list[str]:
        """The record keys linked to ``subject``."""
        return sorted(r for s, r in list(self._pairs) if s == subject)

    def drop_record(self, record: str) -> None:
        """Forget every link of ``record`` (its key is gone)."""
        with self._lock:
            self._pairs = {(s, r) for s, r in self._pairs if r != record}


class PostgresLinks:
    """The links in the service's database, over one synchronous connection (as the key table)."""

    def __init__(self, dsn: str, schema: str = "public") -> None:
        self._db = SyncConnection(dsn, schema)

    def _run(self, sql: str, *args: Any) -> list[tuple[Any, ...]]:
        return self._db.run(sql, *args)

    def add(self, record: str, subjects: Iterable[str]) -> None:
        """Link ``record`` to each of ``subjects``."""
        names = sorted(set(subjects))
        if names:
            self._run(
                "INSERT INTO ssp_record_subjects (subject_pseudonym, record_pseudonym)"
                " SELECT s, %s FROM unnest(%s::text[]) AS s ON CONFLICT DO NOTHING",
                record,
                names,
            )

    def records_of(self, subject: str) -> list[str]:
        """The record keys linked to ``subject``."""
        found = self._run(
            "SELECT record_pseudonym FROM ssp_record_subjects WHERE subject_pseudonym = %s"
            " ORDER BY record_pseudonym",
            subject,
        )
        return [r[0] for r in found]

    def drop_record(self, record: str) -> None:
        """Forget every link of ``record`` (its key is gone)."""
        self._run("DELETE FROM ssp_record_subjects WHERE record_pseudonym = %s", record)

    def close(self) -> None:
        """Close the connection."""
        self._db.close()
