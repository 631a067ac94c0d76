"""What the drill waits for and measures: quiet stores, a drained pipeline, WAL at risk."""

import asyncio
import shutil
import subprocess
import threading
import time

from services.cli.faults.infra import kill_kafka, stack_up
from services.cli.faults.tally import query
from services.cli.recovery.repository import unarchived_seconds
from services.cli.workload import platform
from services.runtime.settings import state_dir


def newest(dbs: dict[str, str], services: tuple[str, ...]) -> dict[str, int]:
    """The newest notification id of each store."""
    return {
        s: int(query(dbs[s], f"SELECT coalesce(max(notification_id), 0) FROM {s}_events")[0][0])
        for s in services
    }


def quiesce(dbs: dict[str, str], services: tuple[str, ...], quiet: float = 3.0) -> None:
    """Wait until no store has taken an event for ``quiet`` seconds (requests in flight end)."""
    last, since, deadline = newest(dbs, services), time.monotonic(), time.monotonic() + 600
    while time.monotonic() - since < quiet:
        if time.monotonic() > deadline:
            raise RuntimeError("the stores did not become quiet within 600 s")
        time.sleep(0.5)
        now = newest(dbs, services)
        if now != last:
            last, since = now, time.monotonic()


def drained(dbs: dict[str, str]) -> bool:
    """Every relay has published its whole log and every reporting runner read every topic."""
    return platform.relay_backlog(dbs) == 0 and platform.reporting_lag(dbs["reporting"]) == 0


def wait_drained(dbs: dict[str, str], timeout: float) -> None:
    """Wait until ``drained``; RuntimeError after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while not drained(dbs):
        if time.monotonic() > deadline:
            raise RuntimeError(f"the pipeline did not drain within {timeout:.0f} s")
        time.sleep(0.5)


def wipe_kafka(attempts: int = 3) -> None:
    """Kill the broker, delete its data directory, start it again (empty topics created)."""
    kill_kafka()
    shutil.rmtree(state_dir() / "kafka" / "data")
    for attempt in range(attempts):
        try:
            stack_up()
            return
        except subprocess.CalledProcessError:
            # A starved machine can take longer than stack.sh's wait; the broker keeps
            # starting, and `up` again waits for it without starting a second one.
            if attempt == attempts - 1:
                raise


class ArchiveLag:
    """Samples, twice a second, how many seconds of WAL are written but not yet archived."""

    def __init__(self) -> None:
        self.samples: list[float] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def start(self) -> None:
        """Sample in the background until ``stop``."""
        self._thread.start()

    def stop(self) -> None:
        """Stop sampling (idempotent)."""
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout=10)

    def _run(self) -> None:
        while not self._stop.wait(0.5):
            try:
                self.samples.append(asyncio.run(unarchived_seconds()))
            except OSError:  # the database is away for a moment; the next sample counts
                continue
