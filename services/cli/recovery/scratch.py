"""A scratch PostgreSQL cluster restored from the repository to a point in time, then dumped.

pgBackRest restores whole clusters; one store is one database of the cluster. So a restore
goes into a scratch data directory on a port of its own (never the live cluster), recovers
WAL up to the target, and the one database is copied out with pg_dump into a fresh database
of the live cluster.
"""

import asyncio
import contextlib
import socket
import time
from datetime import UTC, datetime
from pathlib import Path

import asyncpg

from services.cli.recovery.repository import RecoveryError, Tools, run
from services.runtime.settings import ServiceSettings, shared, state_dir


def restore_port(live: ServiceSettings) -> int:
    """``SSP_PG_RESTORE_PORT``, else the live cluster's port + 1."""
    return int(shared("PG_RESTORE_PORT", str(live.pg_port + 1)))


class ScratchCluster:
    """The cluster as of ``target`` in its own directory, started on its own port."""

    def __init__(self, tools: Tools, live: ServiceSettings, target: datetime) -> None:
        self.tools, self.live, self.target = tools, live, target
        self.port = restore_port(live)
        self.dir = state_dir() / "pgbackrest" / f"restore-{datetime.now(UTC):%Y%m%dT%H%M%S%f}"
        self.log = self.dir / "recovery.log"
        self.started = False

    def as_pg(self, *argv: str, what: str, timeout: float = 3600) -> str:
        """Run ``argv`` as the PostgreSQL OS user (whom the data directory belongs to)."""
        return run([self.tools.as_pg, *argv], what, timeout)

    def restore(self, databases: list[str]) -> None:
        """Restore the newest backup before ``target`` and have recovery stop at it.

        Only ``databases`` (and the system ones) are copied; pgBackRest leaves the others as
        empty sparse files, so a restore costs what its stores weigh, not the whole cluster.
        """
        if _port_open(self.port):
            raise RecoveryError(
                f"port {self.port} (SSP_PG_RESTORE_PORT) is in use; an earlier restore may"
                " still run there"
            )
        self.as_pg("mkdir", "-m", "700", "-p", str(self.dir), what="mkdir")
        restore = [
            "restore",
            f"--pg1-path={self.dir}",
            "--type=time",
            f"--target={self.target.astimezone(UTC):%Y-%m-%d %H:%M:%S.%f+00}",
            "--target-action=promote",
            # The scratch cluster must never push its own timeline into the live repository.
            "--archive-mode=off",
        ]
        try:
            self.tools.run(*restore, *(f"--db-include={db}" for db in databases))
        except RecoveryError as exc:
            if "does not exist" not in str(exc):
                raise
            # A database created after the base backup: WAL recreates it, so take them all.
            self.as_pg("find", str(self.dir), "-mindepth", "1", "-delete", what="emptying")
            self.tools.run(*restore)

    def start(self, timeout: float = 900) -> None:
        """Start it and wait until recovery reached the target and it was promoted."""
        options = (
            f"-c port={self.port} -c listen_addresses=127.0.0.1"
            f" -c unix_socket_directories='{self.dir}' -c archive_mode=off"
        )
        pg_ctl = str(self.tools.pg_bin / "pg_ctl")
        self.as_pg(
            pg_ctl, "-D", str(self.dir), "-l", str(self.log), "-w", "-t", str(int(timeout)),
            "-o", options, "start", what="starting the scratch cluster",
        )  # fmt: skip
        self.started = True
        asyncio.run(self._wait_promoted(timeout))

    async def _wait_promoted(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with contextlib.suppress(OSError, asyncpg.PostgresError):
                conn = await asyncpg.connect(self.dsn("postgres"), timeout=5)
                try:
                    if not await conn.fetchval("SELECT pg_is_in_recovery()"):
                        return
                finally:
                    await conn.close()
            if not _port_open(self.port):
                raise RecoveryError(f"recovery stopped: {self.last_log_line()}")
            await asyncio.sleep(0.3)
        raise RecoveryError(f"recovery did not finish in {timeout:.0f}s: {self.last_log_line()}")

    def last_log_line(self) -> str:
        """The last FATAL or other line of the scratch cluster's log."""
        try:
            lines = self.as_pg("cat", str(self.log), what="reading the log").splitlines()
        except RecoveryError:
            return "no log"
        fatal = [line for line in lines if "FATAL" in line]
        return (fatal or lines or ["empty log"])[-1]

    def dsn(self, database: str) -> str:
        """Connection string of ``database`` in the scratch cluster, as the cluster's
        administrator: a dump must read every table, the service's own included."""
        s = ServiceSettings.for_service("admin", db_name=database)
        return f"postgresql://{s.pg_user}:{s.pg_password}@127.0.0.1:{self.port}/{database}"

    def dump(self, database: str, into: Path) -> None:
        """pg_dump ``database`` of the scratch cluster to ``into`` (custom format)."""
        run(
            [str(self.tools.pg_bin / "pg_dump"), "-Fc", "-f", str(into), "-d", self.dsn(database)],
            f"pg_dump of {database} as of the target",
        )

    def stop(self) -> None:
        """Stop the scratch cluster and remove its directory."""
        if self.started:
            pg_ctl = str(self.tools.pg_bin / "pg_ctl")
            with contextlib.suppress(RecoveryError):
                self.as_pg(pg_ctl, "-D", str(self.dir), "-m", "fast", "-w", "stop", what="stop")
        with contextlib.suppress(RecoveryError):
            self.as_pg("rm", "-rf", str(self.dir), what="removing the scratch directory")


def _port_open(port: int) -> bool:
    with socket.socket() as s:
        s.settimeout(1)
        return s.connect_ex(("127.0.0.1", port)) == 0
