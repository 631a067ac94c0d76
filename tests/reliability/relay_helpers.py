"""Relays as their own processes, their metrics and stored state, and what reached Kafka."""

import asyncio
import os
import signal
import subprocess
import sys
import time
from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import asyncpg
import httpx
from prometheus_client.parser import text_string_to_metric_families
from ssp_contracts import CloudEvent

from services.runtime.settings import REPO_ROOT, ServiceSettings
from services.runtime.testing import free_port, read_all, state_dir, topic_reader

FAST = {
    "RELAY_BATCH_SIZE": "100",
    "RELAY_BACKOFF_INITIAL_SECONDS": "0.2",
    "RELAY_BACKOFF_MAX_SECONDS": "1",
    "RELAY_STANDBY_POLL_SECONDS": "0.2",
    "RELAY_POLL_SECONDS": "0.2",
    "RELAY_DELIVERY_TIMEOUT_SECONDS": "5",
}


class RelayProcess:
    """``ssp relay run <service> --db <db> --metrics-port <port>`` as a child process."""

    def __init__(self, service: str, db: str, **env: str) -> None:
        self.service, self.db = service, db
        self.port = free_port()
        prefix = f"SSP_{service.upper()}_"
        self.env = {**os.environ, **{prefix + k: v for k, v in {**FAST, **env}.items()}}
        self.log_path = state_dir() / "test-logs" / f"relay-{db}-{self.port}.log"
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> "RelayProcess":
        """Start it (it connects, elects and publishes in the background)."""
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        args = [sys.executable, "-m", "services.cli.main", "relay", "run", self.service]
        args += ["--db", self.db, "--metrics-port", str(self.port)]
        with open(self.log_path, "ab") as log:
            self.proc = subprocess.Popen(args, env=self.env, stdout=log, stderr=subprocess.STDOUT)
        return self

    def metrics(self) -> dict[str, float]:
        """``name{label=value,...}`` -> value of every relay sample (empty if not answering)."""
        try:
            text = httpx.get(f"http://127.0.0.1:{self.port}/metrics", timeout=2).text
        except httpx.HTTPError:
            return {}
        found = {}
        for family in text_string_to_metric_families(text):
            for s in family.samples:
                labels = ",".join(f"{k}={v}" for k, v in sorted(s.labels.items()) if k != "relay")
                found[f"{s.name}{{{labels}}}"] = s.value
        return found

    def metric(self, name: str) -> float:
        """One sample by its key in ``metrics()`` (0 when absent)."""
        return self.metrics().get(name, 0.0)

    def signal(self, sig: int = signal.SIGKILL) -> int:
        """Send ``sig`` and wait for the exit code."""
        assert self.proc is not None
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
        return self.proc.wait(timeout=60)

    def log(self) -> str:
        """What the process wrote."""
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""


def relay_cli(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    """Run ``ssp relay ...`` to completion."""
    return subprocess.run(
        [sys.executable, "-m", "services.cli.main", "relay", *args],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def sql(db: str, query: str, *params: Any) -> list[Any]:
    """Rows of one query on ``db``."""

    async def run() -> list[Any]:
        conn = await asyncpg.connect(ServiceSettings.for_service("admin", db_name=db).pg_dsn)
        try:
            return list(await conn.fetch(query, *params))
        finally:
            await conn.close()

    return asyncio.run(run())


def position(db: str, relay: str = "selftest-outbox") -> int:
    """The stored position of ``relay`` (0 before its first batch)."""
    if not sql(db, "SELECT to_regclass('ssp_relay_position') IS NOT NULL")[0][0]:
        return 0
    rows = sql(db, "SELECT position FROM ssp_relay_position WHERE relay = $1", relay)
    return int(rows[0][0]) if rows else 0


def newest(db: str, table: str = "selftest_events") -> int:
    """The newest notification id of the store."""
    return int(sql(db, f"SELECT coalesce(max(notification_id), 0) FROM {table}")[0][0])


TOPIC = "ssp.platform.selftest"


def mark(topic: str = TOPIC) -> dict[tuple[str, int], int]:
    """The end of every partition of ``topic`` now: read from here, not the shared history."""
    with topic_reader(topic) as consumer:
        ends = consumer.end_offsets(list(consumer.assignment()))
    return {(tp.topic, tp.partition): end for tp, end in ends.items()}


def events_on_kafka(
    keys: Iterable[str], since: dict[tuple[str, int], int], records: list[Any] | None = None
) -> list[CloudEvent]:
    """Every CloudEvent on the selftest topic since ``since`` (or in ``records``) with a key
    among ``keys``, in partition/offset order."""
    wanted = set(keys)
    return [
        CloudEvent.from_kafka(r.headers, r.value)
        for r in (read_all(TOPIC, since) if records is None else records)
        if r.key is not None and r.key.decode() in wanted
    ]


def assert_complete_and_ordered(events: list[CloudEvent], aggregates: int, steps: int) -> None:
    """Each aggregate's events 1..steps arrived, first copies in version order (no gap)."""
    seen: set[str] = set()
    versions: dict[str, list[int]] = defaultdict(list)
    for event in events:
        if event.id not in seen:
            seen.add(event.id)
            versions[event.subject].append(event.sequence)
    assert len(versions) == aggregates, f"{len(versions)} of {aggregates} aggregates on Kafka"
    wrong = {k: v for k, v in versions.items() if v != list(range(1, steps + 1))}
    assert not wrong, f"gaps or disorder: {list(wrong.items())[:3]}"


def stop_kafka() -> None:
    """SIGKILL this stack's broker (the env file's own stack) and wait until it is gone."""
    pid = int((state_dir() / "kafka" / "kafka.pid").read_text().strip())
    os.kill(pid, signal.SIGKILL)
    stat = Path(f"/proc/{pid}/stat")
    for _ in range(300):
        # Gone, or a zombie nobody reaped yet (its sockets are closed either way).
        if not stat.exists() or stat.read_text().split(") ")[-1].startswith("Z"):
            return
        time.sleep(0.1)
    raise AssertionError(f"kafka (pid {pid}) did not die")


def start_kafka() -> None:
    """Bring the stack's broker back (the stack script is idempotent).

    A hang guard, not a timing: a TLS broker's restart took over three minutes on a 2-core
    machine that ran five brokers at once.
    """
    subprocess.run([str(REPO_ROOT / "deploy/local/stack.sh"), "up"], check=True, timeout=600)
