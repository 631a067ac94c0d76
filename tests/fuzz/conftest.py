"""The four services in process on fresh databases of the real stack, seeded, then fuzzed."""

import importlib
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from schemathesis.python.asgi import ASGIClient, shutdown_lifespans

from services.cli.workload.platform import relay_backlog, reporting_lag, start_read_models_at_end
from services.runtime import testing
from services.runtime.settings import ServiceSettings
from tests.fuzz.harness import Outcome, ServiceFuzzer
from tests.fuzz.seed import Seeder, tokens

# Reporting last: its read models then hold what the fuzz made in the other three.
SERVICES = ("staffing", "incidents", "disclosure", "reporting")


@dataclass
class Fuzzed:
    """One service's fuzz: the fuzzer (its permission table), what it saw, how long it took."""

    fuzzer: ServiceFuzzer
    outcome: Outcome
    seconds: float


@dataclass
class Fuzz:
    """The whole fuzz: each service's run, and what the pipeline had not delivered after it."""

    runs: dict[str, Fuzzed]
    unpublished: int  # events stored that the relays never published
    unapplied: int  # messages on the topics that reporting never applied


def undelivered(dbs: dict[str, str], timeout: float = 90) -> tuple[int, int]:
    """Wait (bounded) until the relays published everything and reporting applied it."""
    deadline = time.monotonic() + timeout
    while True:
        behind = relay_backlog(dbs), reporting_lag(dbs["reporting"])
        if behind == (0, 0) or time.monotonic() > deadline:
            return behind
        time.sleep(0.5)


@pytest.fixture(scope="module")
def fuzzed(stack: None) -> Iterator[Fuzz]:
    """Each service's ``create_app`` on a fresh database, Kafka and relays running, fuzzed.

    All of it runs in this one fixture: schemathesis' pytest plugin ends every ASGI lifespan
    when a test ends, and the services must stay up from the seed to the last case.
    """
    dbs = {s: testing.create_database(f"fuzz_{s}") for s in SERVICES}
    suffix = f".fuzz-{uuid.uuid4().hex[:8]}"
    # Only what happens from now on: the shared topics hold every earlier run and test.
    start_read_models_at_end(dbs)
    apps = {
        s: importlib.import_module(f"services.{s}.main").create_app(
            ServiceSettings.for_service(s, db_name=dbs[s], consumer_group_suffix=suffix)
        )
        for s in SERVICES
    }
    clients = {s: ASGIClient(app) for s, app in apps.items()}
    try:
        for client in clients.values():
            client.__enter__()
        seeded = Seeder(dict(clients)).run()
        results = {}
        for service in SERVICES:
            fuzzer = ServiceFuzzer(apps[service], clients[service], tokens(), seeded)
            started = time.monotonic()
            outcome = fuzzer.run()
            results[service] = Fuzzed(fuzzer, outcome, time.monotonic() - started)
        yield Fuzz(results, *undelivered(dbs))
    finally:
        shutdown_lifespans()
        for db in dbs.values():
            testing.drop_database(db)
