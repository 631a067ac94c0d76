"""Steady load while faults happen: the demo's HTTP workload, topped up by canary events."""

import argparse
import asyncio
import logging
import threading
import time
import uuid
from datetime import UTC, datetime

from rich.progress import Progress

from services.cli.demo import _deployments_known, plan
from services.cli.workload.runner import Runner
from services.cli.workload.steps import Chain, Phase, Step, supervisor
from services.runtime.eventstore import open_application
from services.runtime.selftest import SelfTestApplication
from services.runtime.settings import ServiceSettings

log = logging.getLogger(__name__)
CONCURRENCY = 16


class Switch:
    """Pause, resume and stop, shared by a load's thread and the fault suite."""

    def __init__(self) -> None:
        self.running = threading.Event()
        self.stopped = threading.Event()

    def pause(self) -> None:
        """Stop sending after what is in flight."""
        self.running.clear()

    def resume(self) -> None:
        """Send again."""
        self.running.set()


class HttpLoad(Switch):
    """The demo's term played through the HTTP APIs, its weeks over and over."""

    def __init__(self, urls: dict[str, str], seed: int, schools: int, officers: int) -> None:
        super().__init__()
        self.urls = urls
        args = argparse.Namespace(seed=seed, schools=schools, officers=officers, weeks=13)
        self.world, phases, _ = plan(args, datetime.now(UTC).date())
        # Setup (schools .. protocol hours) once; then the term's weeks, without the probes.
        self.setup, self.weeks = phases[:5], phases[5:-2]
        self.rounds = 0
        self.errors = 0
        self.ready = False
        self.runner: Runner | None = None
        self.thread = threading.Thread(target=lambda: asyncio.run(self._main()), daemon=True)

    def start(self) -> "HttpLoad":
        """Play the setup now (in the background thread), then wait for ``resume``."""
        self.thread.start()
        return self

    @property
    def requests(self) -> int:
        """Requests answered so far."""
        return self.runner.outcome.requests if self.runner else 0

    async def _main(self) -> None:
        progress = Progress(disable=True)
        self.runner = runner = Runner(self.urls, CONCURRENCY, progress)
        try:
            for phase in self.setup:
                await runner.run(phase, progress.add_task(phase.name))
            await _deployments_known(self.urls["incidents"], self.world, runner, progress)
            self.ready = True
            while not self.stopped.is_set():
                if not self.running.is_set():
                    await asyncio.sleep(0.1)
                    continue
                phase = self.weeks[self.rounds % len(self.weeks)]
                try:
                    await runner.run(phase, progress.add_task(phase.name))
                    await runner.run(self._new_schools(), progress.add_task("schools"))
                except Exception:  # the load goes on whatever one round met
                    self.errors += 1
                    log.exception("HTTP load round %d failed", self.rounds)
                    await asyncio.sleep(1)
                self.rounds += 1
        finally:
            await runner.close()

    def _new_schools(self) -> Phase:
        """A school joins in each borough: staffing's own topic gets events every round."""
        phase = Phase("new schools")
        for b in self.world.boroughs:
            body = {
                "school_id": f"{b.slug}-r{self.rounds:05d}",
                "name": f"Round {self.rounds} school",
                "borough": b.slug,
                "phase": "primary",
                "pupil_count": 200 + self.rounds % 300,
                "programme": "safer_schools_partnership",
            }
            step = Step("staffing", "POST", "/schools", supervisor(b.slug), body)
            phase.chains.append(Chain("school", [step]))
        return phase


class CanaryLoad(Switch):
    """Canary aggregates written straight into the selftest store at a steady rate."""

    STEPS = 10

    def __init__(self, db: str, events_per_second: float) -> None:
        super().__init__()
        self.settings = ServiceSettings.for_service("selftest", db_name=db)
        self.rate = events_per_second
        self.run_id = uuid.uuid4().hex
        self.written = 0
        self.errors = 0
        self.thread = threading.Thread(target=self._main, daemon=True)

    def start(self) -> "CanaryLoad":
        """Start the writer thread (paused until ``resume``)."""
        self.thread.start()
        return self

    def _main(self) -> None:
        app: SelfTestApplication | None = None
        started, owed = time.monotonic(), 0.0
        while not self.stopped.is_set():
            if not self.running.is_set() or self.rate <= 0:
                time.sleep(0.1)
                started, owed = time.monotonic(), 0.0
                continue
            due = self.rate * (time.monotonic() - started) - owed
            if due > max(
                self.rate * 2, self.STEPS * 40
            ):  # behind after an outage: a steady rate, not a burst
                started, owed, due = time.monotonic(), 0.0, 0.0
            aggregates = min(20, int(due // self.STEPS))
            if aggregates < 1:
                time.sleep(0.05)
                continue
            try:
                app = app or open_application(SelfTestApplication, self.settings)
                app.write(self.run_id, aggregates, self.STEPS)
                self.written += aggregates * self.STEPS
                owed += aggregates * self.STEPS
            except Exception as exc:  # the database is away: reopen the store next time
                self.errors += 1
                log.warning("canary writer: %s", exc)
                if app is not None:
                    app.close()
                app = None
                time.sleep(0.5)
        if app is not None:
            app.close()
