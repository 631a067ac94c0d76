"""The demo's databases, where its read models start reading, and waiting until it has caught up."""

import os
import time
from collections.abc import Callable, Sequence
from typing import Any

import psycopg
from ssp_contracts.topics import kafka_topic

from services.incidents.main import runner_specs as runners
from services.reporting.views import runner_specs
from services.runtime.dbroles import create_database_sql
from services.runtime.service import RunnerSpec
from services.runtime.settings import ServiceSettings
from services.runtime.topic_ends import ends_now, start_runners_at_end

SERVICES = ("incidents", "disclosure", "staffing", "reporting")
WRITERS = ("incidents", "disclosure", "staffing")


def _value(cursor: psycopg.Cursor[tuple[Any, ...]]) -> Any:
    """The single value of an aggregate query (count, max): it always answers one row."""
    row = cursor.fetchone()
    assert row is not None
    return row[0]


def _connect(db: str) -> psycopg.Connection[tuple[Any, ...]]:
    s = ServiceSettings.for_service("admin")
    return psycopg.connect(
        host=s.pg_host, port=s.pg_port, user=s.pg_user, password=s.pg_password,
        dbname=db, autocommit=True, connect_timeout=10,
    )  # fmt: skip


def prepare_databases() -> dict[str, str]:
    """Each service's database: the one the environment names, else a fresh ``demo_<svc>``.

    The demo owns ``demo_*``: they are dropped and created again on every run, so a run
    with a seed always starts from nothing and ends with the same figures.
    """
    names: dict[str, str] = {}
    with _connect("postgres") as admin:
        for service in SERVICES:
            given = os.environ.get(f"SSP_{service.upper()}_DB_NAME")
            names[service] = given or f"demo_{service}"
            if not given:
                admin.execute(f'DROP DATABASE IF EXISTS "{names[service]}" WITH (FORCE)')
                admin.execute(create_database_sql(names[service]))
    return names


def runner_topics() -> dict[str, list[str]]:
    """Reporting's projection runners and the topics each consumes."""
    return _topics_of(runner_specs())


def _topics_of(specs: Sequence[RunnerSpec]) -> dict[str, list[str]]:
    """Each runner of ``specs`` (name, projections) with the topics its projections consume."""
    return {name: sorted({t for p in projections for t in p.topics}) for name, projections in specs}


def read_models(databases: dict[str, str]) -> list[tuple[str, dict[str, list[str]]]]:
    """Each database of ``databases`` with the runners that feed it from Kafka, and their
    topics: reporting's, and incidents' views of staffing's deployments and of disclosures."""
    incidents = databases["incidents"]
    return [(databases["reporting"], runner_topics()), (incidents, _topics_of(runners(incidents)))]


def start_read_models_at_end(databases: dict[str, str]) -> None:
    """Have every new read model of ``databases`` read only what comes after now.

    The topics hold every earlier run and test. Replayed, they would mix into this run's
    figures, and into incidents' view of deployments: an officer id another run gave a PCSO
    would have this run's constable of that id refused a police search.
    """
    for db, topics in read_models(databases):
        start_runners_at_end(db, topics)


def relay_backlog(databases: dict[str, str]) -> int:
    """Events stored by the writing services that their relays have not yet published."""
    behind = 0
    for service in WRITERS:
        with _connect(databases[service]) as conn:
            last = conn.execute(f"SELECT COALESCE(max(notification_id), 0) FROM {service}_events")
            newest = _value(last)
            row = conn.execute(
                "SELECT position FROM ssp_relay_position WHERE relay = %s", (f"{service}-outbox",)
            ).fetchone()
            behind += max(0, newest - (row[0] if row else 0))
    return behind


def reporting_lag(reporting_db: str) -> int:
    """Messages on the topics that reporting's runners have not yet applied."""
    topics = runner_topics()
    ends = ends_now(sorted({t for ts in topics.values() for t in ts}))
    with _connect(reporting_db) as conn:
        rows = conn.execute(
            "SELECT runner, topic, partition, next_offset FROM ssp_consumer_offsets"
        ).fetchall()
    stored = {(r, t, p): o for r, t, p, o in rows}
    return sum(
        max(0, end - stored.get((runner, t, p), 0))
        for runner, ts in topics.items()
        for (t, p), end in ends.items()
        if t in {kafka_topic(name) for name in ts}
    )


def wait_caught_up(
    databases: dict[str, str], report: Callable[[int], None], timeout: float
) -> float:
    """Wait until relays published everything and reporting applied it; seconds taken."""
    started = time.monotonic()
    while True:
        backlog = relay_backlog(databases)
        lag = reporting_lag(databases["reporting"])
        report(backlog + lag)
        # The workload has ended: once published, nothing new reaches the topics.
        if backlog == 0 and lag == 0:
            return time.monotonic() - started
        if time.monotonic() - started > timeout:
            raise TimeoutError(
                f"reporting did not catch up within {timeout:.0f}s"
                f" ({backlog} events unpublished, {lag} messages unapplied)"
            )
        time.sleep(0.5)
