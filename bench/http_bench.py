"""The HTTP command path at 16 clients against a raw endpoint and raw asyncpg commits.

Staffing's ``POST /schools`` (token, permission and scope, validation, aggregate, store with
its outbox, 201) runs as ``ssp serve`` does; the raw endpoint (``bench.raw_endpoint``) does the
token check and one insert-and-commit under the same server; both are driven by the same client.
"""

import asyncio
import os
import subprocess
import sys
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import asyncpg
import httpx

from bench.common import Measure, fresh_database
from bench.http_client import Connection
from services.runtime.settings import ServiceSettings
from services.runtime.testing import ServiceProcess, bearer, free_port, wait_for

CLIENTS = 16
# The command path before issue 15's work (bench/README.md): the issue's 16-client rate, and
# the server CPU per command this benchmark measured at commit 9980b2b on the same machine.
BEFORE_RATE = 149.0
BEFORE_LABEL = "before (issue 15, recorded)"
BEFORE_PER_CPU = 270.0
RAW = "raw endpoint (token, 1 insert)"


def school() -> dict[str, Any]:
    """A new school's registration (a unique id each time)."""
    return {
        "school_id": f"B-{uuid.uuid4().hex[:12]}",
        "name": "Bench school",
        "borough": "Hackney",
        "phase": "secondary",
        "pupil_count": 900,
        "programme": "safer_schools_partnership",
    }


def cpu_seconds(pid: int) -> float:
    """User and system CPU seconds the process ``pid`` has used so far (Linux)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@dataclass
class Run:
    """A driven run: commands per second, each command's seconds, server CPU per command."""

    rate: float
    latencies: list[float]
    cpu_per_command: float


async def drive(
    url: str, seconds: float, pid: int, clients: int = CLIENTS, body: Callable[[], Any] = school
) -> Run:
    """Drive ``url`` with ``clients`` concurrent clients for ``seconds`` after a warm-up.

    The server's CPU per command does not depend on what else the machine runs, so it is
    reported beside the rate, which does.
    """
    headers = dict(bearer("borough_supervisor", "sgt-bench", borough="Hackney"))
    parts = urlsplit(url)
    assert parts.hostname is not None and parts.port is not None
    conns = [Connection(parts.hostname, parts.port, headers) for _ in range(clients)]
    latencies: list[float] = []

    async def one_client(conn: Connection, until: float, keep: bool) -> None:
        while time.perf_counter() < until:
            start = time.perf_counter()
            status, answer = await conn.post(parts.path, body())
            if status != 201:
                raise RuntimeError(f"{url}: {status} {answer[:200]!r}")
            if keep:
                latencies.append(time.perf_counter() - start)

    try:
        warm = time.perf_counter() + min(2.0, seconds / 4)
        await asyncio.gather(*(one_client(c, warm, False) for c in conns))
        start, cpu = time.perf_counter(), cpu_seconds(pid)
        await asyncio.gather(*(one_client(c, start + seconds, True) for c in conns))
        elapsed, used = time.perf_counter() - start, cpu_seconds(pid) - cpu
        return Run(len(latencies) / elapsed, latencies, used / max(len(latencies), 1))
    finally:
        for conn in conns:
            await conn.close()


async def raw_commits(dsn: str, seconds: float, connections: int = CLIENTS) -> float:
    """Single-row insert-and-commit transactions per second on ``connections`` connections."""
    conns = [await asyncpg.connect(dsn) for _ in range(connections)]
    await conns[0].execute("CREATE TABLE bench_commits (id uuid PRIMARY KEY, body jsonb)")
    done = 0

    async def loop(conn: asyncpg.Connection, until: float) -> None:
        nonlocal done
        while time.perf_counter() < until:
            await conn.execute("INSERT INTO bench_commits VALUES ($1, '{}')", uuid.uuid4())
            done += 1

    start = time.perf_counter()
    await asyncio.gather(*(loop(c, start + seconds) for c in conns))
    rate = done / (time.perf_counter() - start)
    for conn in conns:
        await conn.close()
    return rate


def _raw_endpoint(port: int, db: str) -> subprocess.Popen[bytes]:
    proc = subprocess.Popen(
        [sys.executable, "-m", "bench.raw_endpoint", str(port), db],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )

    def up() -> bool:
        try:
            return httpx.get(f"http://127.0.0.1:{port}/openapi.json").status_code == 200
        except httpx.HTTPError:
            return False

    wait_for(up, timeout=30, what="raw endpoint")
    return proc


def bench_port() -> int:
    """A port for a benchmark's server: ``SSP_BENCH_PORT`` (then the next ones) or a free one."""
    return int(os.environ.get("SSP_BENCH_PORT", "0")) or free_port()


def run(seconds: float) -> list[Measure]:
    """Staffing's command path and the raw endpoint, then raw commits, in one run."""
    port = bench_port()
    with fresh_database("benchhttp") as db:
        staffing = ServiceProcess("staffing", {"SSP_STAFFING_DB_NAME": db}, port=port).start()
        assert staffing.proc is not None
        try:
            ours = asyncio.run(drive(f"{staffing.url}/schools", seconds, staffing.proc.pid))
            one = asyncio.run(
                drive(f"{staffing.url}/schools", min(seconds, 3.0), staffing.proc.pid, clients=1)
            )
        finally:
            staffing.stop()
    with fresh_database("benchhttpraw") as db:
        proc = _raw_endpoint(port + 1, db)
        try:
            raw = asyncio.run(drive(f"http://127.0.0.1:{port + 1}/schools", seconds, proc.pid))
        finally:
            proc.terminate()
            proc.wait(timeout=30)
        commits = asyncio.run(
            raw_commits(ServiceSettings.for_service("selftest", db_name=db).pg_dsn, seconds)
        )
    n = len(ours.latencies)
    # Commands per server CPU-second: what one core would serve, whatever else the machine runs.
    per_cpu, raw_per_cpu = 1 / ours.cpu_per_command, 1 / raw.cpu_per_command
    return [
        Measure("command path", n, ours.rate, RAW, raw.rate, 0.5, "cmd/s"),
        Measure("command path", n, ours.rate, BEFORE_LABEL, BEFORE_RATE, 5.0, "cmd/s"),
        Measure("command per CPU-s", n, per_cpu, RAW, raw_per_cpu, 0.5, "cmd/CPU-s"),
        Measure("command per CPU-s", n, per_cpu, BEFORE_LABEL, BEFORE_PER_CPU, 5.0, "cmd/CPU-s"),
        Measure("command, 1 client", 0, one.rate, "", 0.0, None, "cmd/s"),
        Measure("asyncpg commits x16", 0, commits, "", 0.0, None, "tx/s"),
    ]
