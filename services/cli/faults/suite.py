"""The fault-injection suite: steady load, each fault in turn, one row of figures per fault."""

import logging
import time
import uuid
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass

from ssp_contracts.topics import SELFTEST_TOPIC

from services.cli.faults.faults import BY_KEY, Context, Fault, hold
from services.cli.faults.fleet import SERVICES, Fleet
from services.cli.faults.load import CanaryLoad, HttpLoad
from services.cli.faults.report import Row
from services.cli.faults.tally import Tally
from services.cli.workload import platform
from services.runtime.testing import create_database, drop_database
from services.runtime.topic_ends import start_runners_at_end

log = logging.getLogger(__name__)


@dataclass
class Options:
    """The scale of a run."""

    events: int = 100_000  # committed in total, at least
    outage: float = 60.0  # seconds each fault lasts
    settle: float = 10.0  # seconds of load before each fault
    faults: tuple[str, ...] = tuple(BY_KEY)
    schools: int = 20
    officers: int = 12
    seed: int = 1
    drop: bool = False  # drop the run's databases at the end

    @property
    def wait(self) -> float:
        """How long to wait for a catch-up or a drain before calling it missed."""
        return max(60.0, 4 * self.outage)

    def canary_rate(self) -> float:
        """Canary events a second that reach ``events`` over the planned run."""
        planned = len(self.faults) * (self.outage + self.settle + 15)
        return self.events / planned


class Suite:
    """One run: fresh databases, the platform, the loads, then the faults."""

    def __init__(self, opts: Options, say: Callable[[str], None] = print) -> None:
        self.opts, self.say = opts, say
        self.run = uuid.uuid4().hex[:8]
        self.databases = {s: create_database(f"faults_{s}") for s in SERVICES}
        self.fleet = Fleet(self.databases, f".faults-{self.run}")
        self.tally = Tally(self.databases, self._consumers())
        self.ctx = Context(self.fleet, self.databases, opts.outage, self.run)
        self.http: HttpLoad | None = None
        self.canary = CanaryLoad(self.databases["selftest"], opts.canary_rate())

    def _consumers(self) -> dict[str, set[str]]:
        consumers: dict[str, set[str]] = defaultdict(set)
        for runner, topics in platform.runner_topics().items():
            for topic in topics:
                consumers[topic].add(runner)
        consumers["ssp.staffing.events"].add(self._deployments_runner())
        consumers[SELFTEST_TOPIC.name].add("selftest.canary")
        return consumers

    def _deployments_runner(self) -> str:
        return f"incidents.deployments.{self.databases['incidents']}"

    def start(self) -> None:
        """Every read model starts at the topics' current end; start processes and loads."""
        self.tally.begin()
        platform.start_read_models_at_end(self.databases)
        start_runners_at_end(self.databases["selftest"], {"selftest.canary": [SELFTEST_TOPIC.name]})
        self.fleet.start()
        self.say(f"run {self.run}: services and relays up; HTTP setup of the workload")
        self.http = HttpLoad(
            self.fleet.urls(), self.opts.seed, self.opts.schools, self.opts.officers
        )
        self.http.start()
        deadline = time.monotonic() + 600
        while not self.http.ready:
            if not self.http.thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("the HTTP workload's setup did not finish")
            time.sleep(0.5)
        self.canary.start()

    def _loads(self, on: bool) -> None:
        for load in (self.http, self.canary):
            if load is not None:
                (load.resume if on else load.pause)()

    def fault(self, fault: Fault) -> Row:
        """Inject one fault under load, bring it back, wait, count; heal what died."""
        self._loads(True)
        time.sleep(self.opts.settle)
        self.say(f"fault: {fault.title}")
        started = time.monotonic()
        fault.inject(self.ctx)
        hold(fault, self.ctx, started)
        fault.restore(self.ctx)
        ready = time.monotonic()
        duration = 0.0 if fault.instant else ready - started
        catch_up = self.tally.wait_applied(self.tally.committed(), self.opts.wait, self._stuck)
        if fault.instant and catch_up is not None:
            catch_up = self._wait_poison(ready)
        self._loads(False)
        time.sleep(2)  # requests in flight finish
        self.tally.wait_applied(self.tally.committed(), self.opts.wait, self._stuck)
        older = self.tally.older_dead_letters
        row = Row(fault.title, self.tally.counts(), catch_up, duration)
        for runner, n in self.tally.foreign(self.tally.committed()).items():
            row.notes.append(f"{runner} applied {n} events from before the run")
        if self.tally.older_dead_letters > older:
            row.notes.append(
                f"{self.tally.older_dead_letters - older} messages from before the run were"
                " dead-lettered again (a runner read below the offsets it was started at)"
            )
        if fault.instant:
            row.poison_missing = self.tally.poison_missing(self.ctx.poison)
        row.notes += [f"{name} exited; restarted after the row" for name in self.fleet.heal()]
        self.say(f"  {row.markdown()}")
        return row

    def _stuck(self) -> bool:
        """A process the pipeline needs has died: waiting longer cannot help."""
        return bool(self.fleet.dead())

    def _wait_poison(self, since: float) -> float | None:
        deadline = since + self.opts.wait
        while self.tally.poison_missing(self.ctx.poison):
            if time.monotonic() > deadline:
                return None
            time.sleep(0.5)
        return time.monotonic() - since

    def top_up(self) -> Row | None:
        """Keep the load on until the run has committed ``events``; the closing row."""
        if self.tally.counts().committed >= self.opts.events:
            return None
        self.say("load until the run has committed its events")
        self._loads(True)
        started = time.monotonic()
        while len(self.tally.committed()) < self.opts.events:
            if time.monotonic() - started > 3600:
                self.say("the load could not reach the volume within an hour; counting as is")
                break
            time.sleep(2)
        self._loads(False)
        time.sleep(2)
        catch_up = self.tally.wait_applied(self.tally.committed(), self.opts.wait, self._stuck)
        return Row("load only (top-up to the run's volume)", self.tally.counts(), catch_up, 0.0,
                   notes=[f"{time.monotonic() - started:.0f} s more load"])  # fmt: skip

    def stop(self) -> None:
        """Stop the loads and the processes; drop the databases if asked."""
        for load in (self.http, self.canary):
            if load is not None:
                load.stopped.set()
        self.fleet.stop()
        if self.opts.drop:
            for db in self.databases.values():
                drop_database(db)

    def facts(self) -> list[str]:
        """What the load did, for the document."""
        http = self.http
        topics = ", ".join(f"{t} {n:,}" for t, n in self.tally.by_topic().items())
        return [
            f"HTTP requests answered: {http.requests if http else 0:,}"
            f" ({len(http.runner.outcome.refused) if http and http.runner else 0:,} refused or"
            " unreachable, most while a fault lasted)",
            f"canary events written: {self.canary.written:,} (write errors {self.canary.errors})",
            f"distinct events per topic: {topics}",
        ]


def run_suite(opts: Options, say: Callable[[str], None] = print) -> tuple[list[Row], list[str]]:
    """Run every fault of ``opts`` in turn: the rows (top-up last if needed) and the facts."""
    suite = Suite(opts, say)
    try:
        suite.start()
        rows = [suite.fault(BY_KEY[key]) for key in opts.faults]
        closing = suite.top_up()
        return rows + ([closing] if closing else []), suite.facts()
    finally:
        suite.stop()
