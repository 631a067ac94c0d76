"""The pgBackRest repository of the PostgreSQL cluster, and the WAL archiving that feeds it."""

import asyncio
import json
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import asyncpg

from services.runtime.settings import ServiceSettings, shared, state_dir


class RecoveryError(Exception):
    """The backup, restore or swap cannot go ahead; the message says why (exit code 2)."""


@dataclass(frozen=True)
class Tools:
    """Where pgBackRest and PostgreSQL's programs are; the local stack generates the wrappers."""

    pgbackrest: str
    as_pg: str
    pg_bin: Path

    @classmethod
    def from_env(cls) -> "Tools":
        """``SSP_BACKUP_COMMAND``, ``SSP_BACKUP_AS_PG``, ``SSP_PG_BIN``, else the local stack's."""
        base = state_dir() / "pgbackrest"
        return cls(
            pgbackrest=shared("BACKUP_COMMAND", str(base / "pgbackrest")),
            as_pg=shared("BACKUP_AS_PG", str(base / "as-pg")),
            pg_bin=Path(shared("PG_BIN", "/usr/lib/postgresql/15/bin")),
        )

    def run(self, *args: str, timeout: float = 3600) -> str:
        """Run pgBackRest with ``args``; its output, or RecoveryError with its complaint."""
        return run([self.pgbackrest, *args], "pgbackrest", timeout)


def run(
    argv: list[str], what: str, timeout: float = 3600, env: dict[str, str] | None = None
) -> str:
    """Run ``argv``; its standard output, or RecoveryError naming ``what`` and its last words."""
    if not Path(argv[0]).exists() and "/" in argv[0]:
        raise RecoveryError(f"{argv[0]} not found; run deploy/local/stack.sh up first")
    done = subprocess.run(argv, capture_output=True, text=True, timeout=timeout)
    if done.returncode != 0:
        words = (done.stderr or done.stdout).strip().splitlines()
        raise RecoveryError(f"{what} failed: {words[-1] if words else f'exit {done.returncode}'}")
    return done.stdout


def backup(tools: Tools, kind: str) -> dict[str, Any]:
    """Take a base backup (full, diff or incr; expires old ones by the retention); its info."""
    tools.run("backup", f"--type={kind}")
    newest: dict[str, Any] = info(tools)["backup"][-1]
    return newest


def info(tools: Tools) -> dict[str, Any]:
    """The stanza's entry of ``pgbackrest info`` (backups, WAL range, status)."""
    stanzas = json.loads(tools.run("info", "--output=json", timeout=120))
    if not stanzas:
        raise RecoveryError("no stanza in the repository; run deploy/local/stack.sh up first")
    stanza: dict[str, Any] = stanzas[0]
    return stanza


def admin_dsn() -> str:
    """The live cluster's maintenance database, through the runtime's settings."""
    return ServiceSettings.for_service("admin", db_name="postgres").pg_dsn


async def archive_now(timeout: float = 120) -> str:
    """Close the current WAL segment and wait until it is archived; the segment's name.

    A transaction id is taken first so the segment ends with a commit record newer than any
    earlier target time: recovery to a time needs a commit after it to know where to stop.
    """
    conn = await asyncpg.connect(admin_dsn(), timeout=10)
    try:
        await conn.fetchval("SELECT txid_current()")
        segment: str = await conn.fetchval("SELECT pg_walfile_name(pg_switch_wal())")
        deadline = time.monotonic() + timeout
        while True:
            row = await conn.fetchrow(
                "SELECT last_archived_wal, last_failed_wal, last_failed_time > "
                "coalesce(last_archived_time, 'epoch') AS failing FROM pg_stat_archiver"
            )
            assert row is not None  # pg_stat_archiver has one row
            if row["last_archived_wal"] and row["last_archived_wal"] >= segment:
                return segment
            if time.monotonic() > deadline:
                why = f" (archiving fails at {row['last_failed_wal']})" if row["failing"] else ""
                raise RecoveryError(f"WAL segment {segment} not archived in {timeout:.0f}s{why}")
            await asyncio.sleep(0.2)
    finally:
        await conn.close()


async def unarchived_seconds() -> float:
    """Seconds of WAL at risk now: since the last archive, if WAL was written after it."""
    conn = await asyncpg.connect(admin_dsn(), timeout=10)
    try:
        value = await conn.fetchval(
            """SELECT CASE WHEN last_archived_wal IS NULL THEN NULL
                           WHEN pg_walfile_name(pg_current_wal_lsn()) > last_archived_wal
                           THEN extract(epoch FROM now() - last_archived_time) ELSE 0 END
               FROM pg_stat_archiver"""
        )
        return float(value or 0.0)
    finally:
        await conn.close()
