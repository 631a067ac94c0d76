"""The platform's subject registry: one random pseudonym per data subject, shared by services.

Each service that holds data subjects (``HOLDERS``) keeps its own data keys in its own key
table (``subject_table``), but takes a new subject's pseudonym from here, so a pupil is the
same ``pupil-<32 hex>`` on every topic and one service's views can join another's events
(incidents' chronology finds disclosure's requests) without ever calling it.

One row per (subject, holding service), all rows of a subject carrying its one pseudonym: the
first service to hold a subject draws it, the others copy it, under a per-subject advisory
lock (two services allocating at once would otherwise draw two). The registry lives in a
database of its own (``SSP_SUBJECT_REGISTRY_DB``, default ``ssp_subjects``) where the holders'
roles may select, insert and delete rows, never update them; reporting and every consumer
have no access. Erasure deletes every row of the subject (``release(everywhere=True)``), so
its pseudonym no longer leads to anyone; a retention expiry in one service deletes only that
service's row, and the link goes with the last holder.
"""

import secrets
import threading
from datetime import UTC, datetime
from typing import Any, Protocol

import psycopg

from services.runtime.production import SUBJECT_HOLDERS
from services.runtime.settings import shared
from services.runtime.sync_connection import SyncConnection

# The services whose stores hold data subjects (staffing names officers by pseudonymous id).
HOLDERS = tuple(sorted(SUBJECT_HOLDERS))
TABLE = "ssp_subject_registry"
REGISTRY_DDL = f"""
CREATE TABLE IF NOT EXISTS {TABLE} (
    subject_ref text NOT NULL,
    holder text NOT NULL,
    pseudonym text NOT NULL,
    kind text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (subject_ref, holder)
);
CREATE INDEX IF NOT EXISTS {TABLE}_pseudonym ON {TABLE} (pseudonym);
"""


def registry_database() -> str:
    """The registry's database name (``SSP_SUBJECT_REGISTRY_DB``)."""
    return shared("SUBJECT_REGISTRY_DB", "ssp_subjects")


def new_pseudonym(kind: str) -> str:
    """A fresh random pseudonym of a subject of ``kind``."""
    return f"{kind}-{secrets.token_hex(16)}"


class Registry(Protocol):
    """What ``SubjectKeys`` asks of the registry, as one holding service."""

    def allocate(self, ref: str, kind: str) -> str:
        """The subject's pseudonym, drawn if no service holds the subject yet."""
        ...

    def release(self, ref: str, pseudonym: str, *, everywhere: bool) -> None:
        """Forget the subject: every service's row (erasure) or only this one's (expiry)."""
        ...

    def holders(self, ref: str) -> dict[str, str]:
        """Each service holding ``ref`` with the pseudonym it was given."""
        ...


_Rows = dict[str, dict[str, tuple[str, str, datetime]]]  # ref -> holder -> (pseudonym, kind, at)
_SHARED: _Rows = {}
_SHARED_LOCK = threading.Lock()


class MemoryRegistry:
    """The registry of in-memory applications: by default one per process, shared by all."""

    def __init__(
        self, holder: str, rows: _Rows | None = None, lock: "threading.Lock | None" = None
    ) -> None:
        self.holder = holder
        self._rows = _SHARED if rows is None else rows
        self._lock = _SHARED_LOCK if lock is None else lock

    def allocate(self, ref: str, kind: str) -> str:
        """The subject's pseudonym, drawn if no service holds the subject yet."""
        with self._lock:
            held = self._rows.setdefault(ref, {})
            if self.holder not in held:
                first = next(iter(held.values()), None)
                pseudonym = first[0] if first else new_pseudonym(kind)
                held[self.holder] = (pseudonym, kind, datetime.now(UTC))
            return held[self.holder][0]

    def release(self, ref: str, pseudonym: str, *, everywhere: bool) -> None:
        """Forget the subject: every service's row (erasure) or only this one's (expiry)."""
        with self._lock:
            held = self._rows.get(ref, {})
            for holder in [h for h, row in held.items() if row[0] == pseudonym]:
                if everywhere or holder == self.holder:
                    del held[holder]
            if not held:
                self._rows.pop(ref, None)

    def holders(self, ref: str) -> dict[str, str]:
        """Each service holding ``ref`` with the pseudonym it was given."""
        with self._lock:
            return {h: row[0] for h, row in self._rows.get(ref, {}).items()}


class PostgresRegistry:
    """The registry in its own database, over one synchronous connection opened on first use."""

    def __init__(self, holder: str, dsn: str) -> None:
        self.holder = holder
        self._db = SyncConnection(dsn)

    def _in_transaction(self, work: Any) -> Any:
        return self._db.in_transaction(work)

    def allocate(self, ref: str, kind: str) -> str:
        """The subject's pseudonym, drawn if no service holds the subject yet."""

        def work(conn: psycopg.Connection[Any]) -> str:
            # Held to the commit: a second service reads the first one's row, not nothing.
            conn.execute("SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))", (ref,))
            found = conn.execute(
                f"SELECT holder, pseudonym FROM {TABLE} WHERE subject_ref = %s", (ref,)
            ).fetchall()
            held = dict(found)
            if self.holder in held:
                return str(held[self.holder])
            pseudonym = next(iter(held.values()), None) or new_pseudonym(kind)
            conn.execute(
                f"INSERT INTO {TABLE} (subject_ref, holder, pseudonym, kind)"
                " VALUES (%s, %s, %s, %s) ON CONFLICT DO NOTHING",
                (ref, self.holder, pseudonym, kind),
            )
            return str(pseudonym)

        return str(self._in_transaction(work))

    def release(self, ref: str, pseudonym: str, *, everywhere: bool) -> None:
        """Forget the subject: every service's row (erasure) or only this one's (expiry)."""
        only = "" if everywhere else " AND holder = %s"
        args = (ref, pseudonym) if everywhere else (ref, pseudonym, self.holder)
        self._in_transaction(
            lambda conn: conn.execute(
                f"DELETE FROM {TABLE} WHERE subject_ref = %s AND pseudonym = %s{only}", args
            )
        )

    def holders(self, ref: str) -> dict[str, str]:
        """Each service holding ``ref`` with the pseudonym it was given."""
        found = self._in_transaction(
            lambda conn: conn.execute(
                f"SELECT holder, pseudonym FROM {TABLE} WHERE subject_ref = %s", (ref,)
            ).fetchall()
        )
        return {str(h): str(p) for h, p in found}

    def close(self) -> None:
        """Close the connection."""
        self._db.close()


def registry_of(holder: str, user: str, password: str, host: str, port: str | int) -> Registry:
    """The PostgreSQL registry as service ``holder``'s role (the same login as its store)."""
    dsn = f"postgresql://{user}:{password}@{host}:{port}/{registry_database()}"
    return PostgresRegistry(holder, dsn)


def registry_grants(roles: list[str], database: str | None = None) -> list[str]:
    """Statements that let the holders' roles into the registry: select, insert, delete."""
    db, statements = _q(database or registry_database()), []
    statements.append(f"REVOKE ALL ON DATABASE {db} FROM PUBLIC")
    statements.append(f"REVOKE ALL ON {TABLE} FROM PUBLIC")
    for role in roles:
        statements.append(f"GRANT CONNECT ON DATABASE {db} TO {_q(role)}")
        statements.append(f"GRANT USAGE ON SCHEMA public TO {_q(role)}")
        statements.append(f"GRANT SELECT, INSERT, DELETE ON {TABLE} TO {_q(role)}")
    return statements


async def migrate_registry(
    migrator_dsn: str, roles: list[str], database: str | None = None
) -> None:
    """As the migration role: create the registry's table and grant the holders' roles
    (``database``: a registry restored under another name, else the configured one)."""
    import asyncpg

    conn = await asyncpg.connect(migrator_dsn)
    try:
        await conn.execute("SELECT pg_advisory_lock(hashtext('ssp-migrate-registry'))")
        await conn.execute(REGISTRY_DDL)
        for statement in registry_grants(roles, database):
            await conn.execute(statement)
    finally:
        await conn.close()


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'
