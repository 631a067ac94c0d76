"""Where a service keeps its subjects' wrapped data keys and pseudonyms: PostgreSQL or memory.

One row per subject: the subject's reference, its random pseudonym (what Kafka carries) and
its data key wrapped under a master key. Erasure deletes the row, and with it both the key and
the only link between the pseudonym and the reference. The migration role creates the table
(``create_subject_table``); the service's role reads, inserts, re-wraps and deletes rows.
"""

import threading
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from services.runtime.sync_connection import SyncConnection

SUBJECT_KEYS_DDL = """
CREATE TABLE IF NOT EXISTS ssp_subject_keys (
    pseudonym text PRIMARY KEY,
    subject_ref text NOT NULL UNIQUE,
    kind text NOT NULL,
    master_key_id text NOT NULL,
    wrapped_key bytea NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    retain_until timestamptz,
    record_kind text
)"""


@dataclass(frozen=True)
class SubjectRow:
    """One subject's row: reference, pseudonym, wrapped key and when its records expire."""

    subject_ref: str
    pseudonym: str
    kind: str
    master_key_id: str
    wrapped_key: bytes
    retain_until: datetime | None = None
    record_kind: str | None = None


class KeyTable(Protocol):
    """The operations ``SubjectKeys`` needs from a key table."""

    def by_pseudonym(self, pseudonym: str) -> SubjectRow | None: ...
    def by_ref(self, ref: str) -> SubjectRow | None: ...
    def insert(self, row: SubjectRow) -> SubjectRow: ...
    def delete(self, ref: str) -> SubjectRow | None: ...
    def rows(self) -> Iterator[SubjectRow]: ...
    def rewrap(self, pseudonym: str, old_kid: str, kid: str, wrapped: bytes) -> bool: ...
    def retain(self, ref: str, until: datetime, record_kind: str) -> None: ...


async def create_subject_table(conn: Any) -> None:
    """Create the key table (asyncpg connection of the migration role)."""
    await conn.execute(SUBJECT_KEYS_DDL)


class MemoryKeyTable:
    """The key table of an in-memory application (fast tests)."""

    def __init__(self) -> None:
        self._rows: dict[str, SubjectRow] = {}
        self._lock = threading.Lock()

    def by_pseudonym(self, pseudonym: str) -> SubjectRow | None:
        """The row of ``pseudonym``, if its subject is not erased."""
        return next((r for r in self._rows.values() if r.pseudonym == pseudonym), None)

    def by_ref(self, ref: str) -> SubjectRow | None:
        """The row of subject ``ref``."""
        return self._rows.get(ref)

    def insert(self, row: SubjectRow) -> SubjectRow:
        """Insert ``row`` unless the subject has one already; the row that stands."""
        with self._lock:
            return self._rows.setdefault(row.subject_ref, row)

    def delete(self, ref: str) -> SubjectRow | None:
        """Remove the subject's row; the row removed."""
        with self._lock:
            return self._rows.pop(ref, None)

    def rows(self) -> Iterator[SubjectRow]:
        """Every row."""
        return iter(list(self._rows.values()))

    def rewrap(self, pseudonym: str, old_kid: str, kid: str, wrapped: bytes) -> bool:
        """Replace the wrapped key if it is still under ``old_kid``."""
        with self._lock:
            row = self.by_pseudonym(pseudonym)
            if row is None or row.master_key_id != old_kid:
                return False
            self._rows[row.subject_ref] = _replace(row, master_key_id=kid, wrapped_key=wrapped)
            return True

    def retain(self, ref: str, until: datetime, record_kind: str) -> None:
        """Keep the subject until ``until`` at least (a later record extends it)."""
        with self._lock:
            row = self._rows.get(ref)
            if row is not None and (row.retain_until is None or row.retain_until < until):
                self._rows[ref] = _replace(row, retain_until=until, record_kind=record_kind)


def _replace(row: SubjectRow, **changes: Any) -> SubjectRow:
    from dataclasses import replace

    return replace(row, **changes)


COLUMNS = "subject_ref, pseudonym, kind, master_key_id, wrapped_key, retain_until, record_kind"


class PostgresKeyTable:
    """The key table in the service's database, over one synchronous connection.

    Synchronous because the eventsourcing application that seals and opens fields is; one
    connection behind a lock is enough for key look-ups, which ``SubjectKeys`` caches.
    """

    def __init__(self, dsn: str, schema: str = "public") -> None:
        self._db = SyncConnection(dsn, schema)

    def _run(self, sql: str, *args: Any) -> list[tuple[Any, ...]]:
        return self._db.run(sql, *args)

    def _one(self, sql: str, *args: Any) -> SubjectRow | None:
        found = self._run(sql, *args)
        return SubjectRow(*found[0]) if found else None

    def by_pseudonym(self, pseudonym: str) -> SubjectRow | None:
        """The row of ``pseudonym``, if its subject is not erased."""
        return self._one(f"SELECT {COLUMNS} FROM ssp_subject_keys WHERE pseudonym = %s", pseudonym)

    def by_ref(self, ref: str) -> SubjectRow | None:
        """The row of subject ``ref``."""
        return self._one(f"SELECT {COLUMNS} FROM ssp_subject_keys WHERE subject_ref = %s", ref)

    def insert(self, row: SubjectRow) -> SubjectRow:
        """Insert ``row`` unless the subject has one already (first writer wins); the row."""
        # No conflict target: two processes inserting one subject at once now share its
        # pseudonym (the registry's), so the second may meet the pseudonym's key first.
        self._run(
            "INSERT INTO ssp_subject_keys (subject_ref, pseudonym, kind, master_key_id,"
            " wrapped_key) VALUES (%s, %s, %s, %s, %s) ON CONFLICT DO NOTHING",
            row.subject_ref,
            row.pseudonym,
            row.kind,
            row.master_key_id,
            row.wrapped_key,
        )
        stored = self.by_ref(row.subject_ref)
        assert stored is not None
        return stored

    def delete(self, ref: str) -> SubjectRow | None:
        """Delete the subject's row; the row deleted."""
        return self._one(
            f"DELETE FROM ssp_subject_keys WHERE subject_ref = %s RETURNING {COLUMNS}", ref
        )

    def rows(self) -> Iterator[SubjectRow]:
        """Every row."""
        return (SubjectRow(*r) for r in self._run(f"SELECT {COLUMNS} FROM ssp_subject_keys"))

    def rewrap(self, pseudonym: str, old_kid: str, kid: str, wrapped: bytes) -> bool:
        """Replace the wrapped key if it is still under ``old_kid`` (and not erased meanwhile)."""
        return bool(
            self._run(
                "UPDATE ssp_subject_keys SET master_key_id = %s, wrapped_key = %s"
                " WHERE pseudonym = %s AND master_key_id = %s RETURNING 1",
                kid,
                wrapped,
                pseudonym,
                old_kid,
            )
        )

    def retain(self, ref: str, until: datetime, record_kind: str) -> None:
        """Keep the subject until ``until`` at least (a later record extends it)."""
        self._run(
            "UPDATE ssp_subject_keys SET retain_until = %s, record_kind = %s"
            " WHERE subject_ref = %s AND (retain_until IS NULL OR retain_until < %s)",
            until,
            record_kind,
            ref,
            until,
        )

    def close(self) -> None:
        """Close the connection."""
        self._db.close()
