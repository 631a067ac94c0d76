"""What the benchmarks share: fresh databases, canary events, timing."""

import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from services.runtime.eventstore import open_application
from services.runtime.selftest import SelfTestApplication
from services.runtime.settings import ServiceSettings
from services.runtime.testing import create_database, drop_database


@dataclass
class Measure:
    """One measured rate against its raw baseline's rate and the goal for their ratio."""

    name: str
    events: int
    rate: float
    baseline: str
    baseline_rate: float
    goal: float | None
    unit: str = "events/s"
    # A latency: ours over the baseline's must stay at most ``goal`` (else at least ``goal``).
    at_most: bool = False

    @classmethod
    def timed(
        cls,
        name: str,
        events: int,
        seconds: float,
        baseline: str,
        baseline_seconds: float,
        goal: float,
    ) -> "Measure":
        """A measure of ``events`` done in ``seconds`` by the component and by the baseline."""
        return cls(name, events, events / seconds, baseline, events / baseline_seconds, goal)

    @property
    def ratio(self) -> float:
        return self.rate / self.baseline_rate if self.baseline_rate else 0.0

    @property
    def met(self) -> bool | None:
        if self.goal is None:
            return None
        return self.ratio <= self.goal if self.at_most else self.ratio >= self.goal


@contextmanager
def fresh_database(prefix: str) -> Iterator[str]:
    """A database that exists for the benchmark only."""
    name = create_database(prefix)
    try:
        yield name
    finally:
        drop_database(name)


def write_canaries(db: str, events: int, note_bytes: int = 200) -> ServiceSettings:
    """Store ``events`` canary events (10 per aggregate) in ``db``'s event store."""
    settings = ServiceSettings.for_service("selftest", db_name=db)
    app = open_application(SelfTestApplication, settings)
    app.write(uuid.uuid4().hex, events // 10, 10, note="x" * note_bytes)
    app.close()
    return settings


class Stopwatch:
    """Seconds since start, as a context manager."""

    def __enter__(self) -> "Stopwatch":
        self.start = time.perf_counter()
        return self

    def __exit__(self, *exc: object) -> None:
        self.seconds = time.perf_counter() - self.start
