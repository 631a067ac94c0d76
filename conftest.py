"""Fixtures shared by every test: the real local stack and fresh databases."""

import contextlib
import os
import subprocess
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from ssp_contracts.topics import PREFIX_VARIABLE

from services.runtime import testing
from services.runtime.settings import ServiceSettings
from services.runtime.topics_admin import delete_topics

ROOT = Path(__file__).parent
# Each test run has its own topics on the shared broker (the stack script creates them, and
# every service, relay and reader of the run inherits the prefix), unless one is given. A
# prefix made here is the run's alone: its topics are deleted when the run ends, so that
# repeated runs do not pile partitions on the broker (which slows its restarts).
RUN_PREFIX = PREFIX_VARIABLE not in os.environ
os.environ.setdefault(PREFIX_VARIABLE, f"test-{uuid.uuid4().hex[:10]}.")


@pytest.fixture(scope="session")
def stack() -> Iterator[None]:
    """The local Kafka, PostgreSQL and Prometheus, started by the project's script.

    It also creates the run's topics (``ssp topics create`` under the run's prefix).
    """
    subprocess.run([str(ROOT / "deploy/local/stack.sh"), "up"], check=True)
    yield
    if RUN_PREFIX:
        bootstrap = ServiceSettings.for_service("admin").kafka_bootstrap
        with contextlib.suppress(Exception):  # a broker left down by a failed test
            delete_topics(bootstrap)


@pytest.fixture
def fresh_db(stack: None) -> Iterator[Callable[[str], str]]:
    """Factory of empty databases, dropped after the test."""
    names: list[str] = []

    def make(prefix: str) -> str:
        names.append(testing.create_database(prefix))
        return names[-1]

    yield make
    for name in names:
        testing.drop_database(name)


@pytest.fixture
def services(stack: None) -> Iterator[Callable[..., testing.ServiceProcess]]:
    """Factory of service processes, stopped after the test."""
    started: list[testing.ServiceProcess] = []

    def start(service: str, **env: str) -> testing.ServiceProcess:
        started.append(testing.ServiceProcess(service, env).start())
        return started[-1]

    yield start
    for process in started:
        process.stop()
