"""Kafka and PostgreSQL of the local stack: killed from their pid files, restarted by stack.sh."""

import asyncio
import os
import signal
import subprocess
import time
from pathlib import Path
from typing import Any

import asyncpg

from services.runtime.settings import REPO_ROOT, ServiceSettings, state_dir

STACK = REPO_ROOT / "deploy" / "local" / "stack.sh"


def pid_alive(pid: int) -> bool:
    """Whether ``pid`` runs (a zombie does not count)."""
    try:
        os.kill(pid, 0)
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


def _pid(path: Path, expect: str) -> int:
    """The pid in ``path``, checked against the process's command line (pids get reused)."""
    pid = int(path.read_text().split()[0])
    if expect not in _cmdline(pid):
        raise RuntimeError(f"pid {pid} from {path} is not {expect!r}; is the stack up?")
    return pid


def _signal_and_wait(pid: int, sig: int, timeout: float = 60) -> None:
    os.kill(pid, sig)
    deadline = time.monotonic() + timeout
    while pid_alive(pid):
        if time.monotonic() > deadline:
            raise RuntimeError(f"pid {pid} still runs {timeout:.0f}s after signal {sig}")
        time.sleep(0.1)


def kill_kafka() -> None:
    """SIGKILL the broker: no shutdown, no flush, as a crash of its machine would."""
    _signal_and_wait(_pid(state_dir() / "kafka" / "kafka.pid", "kafka.Kafka"), signal.SIGKILL)


def crash_postgres() -> None:
    """``pg_ctl stop -m immediate``: SIGQUIT to the postmaster, no shutdown checkpoint."""
    postmaster = state_dir() / "pg" / "data" / "postmaster.pid"
    _signal_and_wait(_pid(postmaster, "postgres"), signal.SIGQUIT)


def stack_up() -> None:
    """``deploy/local/stack.sh up``: starts what is down and returns once it answers."""
    log = state_dir() / "faults" / "stack.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    with open(log, "ab") as out:
        subprocess.run([str(STACK), "up"], check=True, stdout=out, stderr=subprocess.STDOUT)


async def _admin(query: str, *args: object) -> Any:
    dsn = ServiceSettings.for_service("admin", db_name="postgres").pg_dsn
    conn = await asyncpg.connect(dsn, timeout=10)
    try:
        return await conn.fetchval(query, *args)
    finally:
        await conn.close()


def cut_database(db: str, seconds: float) -> int:
    """Refuse connections to ``db`` and cut open ones for ``seconds``; connections cut."""
    terminate = "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = $1"
    asyncio.run(_admin(f'ALTER DATABASE "{db}" ALLOW_CONNECTIONS false'))
    cut, deadline = 0, time.monotonic() + seconds
    try:
        while time.monotonic() < deadline:
            cut += int(asyncio.run(_admin(terminate, db)))
            time.sleep(0.2)
    finally:
        asyncio.run(_admin(f'ALTER DATABASE "{db}" ALLOW_CONNECTIONS true'))
    return cut
