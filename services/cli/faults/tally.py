"""Counting a fault run: committed in the stores, distinct on Kafka, applied, dead-lettered."""

import contextlib
import importlib
import time
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import psycopg
from eventsourcing.utils import resolve_topic
from ssp_contracts import dead_letter_topic
from ssp_contracts.topics import EVENT_TOPICS, SELFTEST_TOPIC

from services.cli.faults.fleet import RELAYS
from services.runtime.dlq import ORIGIN_HEADER, REASON_HEADER, origin_of
from services.runtime.identity import source_service
from services.runtime.serve import spec_module
from services.runtime.settings import ServiceSettings
from services.runtime.testing import read_all
from services.runtime.topic_ends import ends_now
from services.runtime.translation import Translator

TOPICS = (*EVENT_TOPICS, SELFTEST_TOPIC.name)
# The read models whose tracking says what was applied: reporting's audit trail reads every
# event topic, the canary log the selftest topic.
APPLIED = {"reporting": "reporting.audit", "selftest": "selftest.canary"}
# Rows per applied event in each read model; without a unique key a duplicate would show.
DUPLICATES = {"reporting": "audit_trail", "selftest": "selftest_canary"}


def query(db: str, sql: str, *params: Any) -> list[tuple[Any, ...]]:
    """Rows of ``sql`` in database ``db``."""
    s = ServiceSettings.for_service("admin")
    with psycopg.connect(
        host=s.pg_host, port=s.pg_port, user=s.pg_user, password=s.pg_password,
        dbname=db, autocommit=True, connect_timeout=10,
    ) as conn:  # fmt: skip
        return conn.execute(sql, params).fetchall()


@dataclass
class Counts:
    """The figures of one row, cumulative since the run began."""

    committed: int
    on_kafka: int  # distinct (ce_source, ce_id) on Kafka of the events committed
    applied: int
    duplicates: int
    lost: int
    dead_lettered: int
    phantoms: int = 0  # distinct events on Kafka that no store holds


@dataclass
class Tally:
    """Reads the run's databases and topics; Kafka incrementally from the run's start."""

    databases: dict[str, str]
    consumers: dict[str, set[str]]  # topic -> runners that must dead-letter its poison
    start: dict[tuple[str, int], int] = field(default_factory=dict)
    kafka_ids: dict[tuple[bytes, bytes], str] = field(default_factory=dict)  # -> topic
    began: dict[tuple[str, int], int] = field(default_factory=dict)
    dead_letters: list[dict[str, bytes]] = field(default_factory=list)
    keys: dict[str, bytes | None] = field(default_factory=dict)  # origin -> the message's key
    # Messages from before the run dead-lettered again: a runner read before its start.
    older_dead_letters: int = 0
    _publishes: dict[tuple[str, str], bool] = field(default_factory=dict)
    _translators: dict[str, Translator] = field(default_factory=dict)

    def begin(self) -> None:
        """Remember where every topic and dead-letter topic ends: the run reads from there."""
        self.start = ends_now([*TOPICS, *(dead_letter_topic(t) for t in TOPICS)])
        self.began = dict(self.start)

    def committed(self) -> set[str]:
        """Ids of the events in the stores that go on Kafka (internal ones never do)."""
        ids: set[str] = set()
        for service in RELAYS:
            rows = query(
                self.databases[service],
                f"SELECT originator_id::text, originator_version, topic FROM {service}_events",
            )
            ids.update(f"{o}/{v}" for o, v, topic in rows if self.published(service, topic))
        return ids

    def published(self, service: str, topic: str) -> bool:
        """Whether events stored under ``topic`` (an event class) go on ``service``'s Kafka."""
        key = (service, topic)
        if key not in self._publishes:
            if service not in self._translators:
                spec = importlib.import_module(spec_module(service)).SPEC
                self._translators[service] = spec.translator
            self._publishes[key] = self._translators[service].publishes(resolve_topic(topic))
        return self._publishes[key]

    def applied(self, among: Iterable[str] | None = None) -> set[str]:
        """Event ids the read models have recorded as applied (only ``among``, if given)."""
        found: set[str] = set()
        wanted = None if among is None else list(among)
        for service, runner in APPLIED.items():
            sql = "SELECT event_id FROM ssp_processed_events WHERE runner = %s"
            params: tuple[Any, ...] = (runner,)
            if wanted is not None:
                sql, params = sql + " AND event_id = ANY(%s)", (runner, wanted)
            if query(self.databases[service], "SELECT to_regclass('ssp_processed_events')")[0][0]:
                found.update(r[0] for r in query(self.databases[service], sql, *params))
        return found

    def foreign(self, committed: set[str]) -> dict[str, int]:
        """Per runner, events applied that this run's stores never committed (older history)."""
        found: dict[str, int] = {}
        for service in APPLIED:
            db = self.databases[service]
            if query(db, "SELECT to_regclass('ssp_processed_events')")[0][0]:
                for runner, event_id in query(
                    db, "SELECT runner, event_id FROM ssp_processed_events"
                ):
                    if event_id not in committed:
                        found[runner] = found.get(runner, 0) + 1
        return found

    def duplicates(self) -> int:
        """Events applied more than once to a read model."""
        total = 0
        for service, table in DUPLICATES.items():
            sql = f"SELECT count(*) - count(DISTINCT event_id) FROM {table}"
            if query(self.databases[service], "SELECT to_regclass(%s)", table)[0][0]:
                total += int(query(self.databases[service], sql)[0][0])
        return total

    def read_kafka(self) -> None:
        """Read what the topics gained since the last call."""
        for topic in TOPICS:
            for record in self._new(topic):
                # A dead letter names only where its message is: the key is found from here.
                self.keys[origin_of(record.topic, record.partition, record.offset)] = record.key
                headers = dict(record.headers)
                source = headers.get("ce_source", b"").decode("utf-8", "replace")
                if source_service(source) in RELAYS:
                    self.kafka_ids[(headers["ce_source"], headers.get("ce_id", b""))] = topic
            for record in self._new(dead_letter_topic(topic)):
                origin = dict(record.headers).get(ORIGIN_HEADER, b"").decode()
                headers = {**dict(record.headers), "key": self.keys.get(origin) or b""}
                if self._of_this_run(origin):
                    self.dead_letters.append(headers)
                else:
                    self.older_dead_letters += 1

    def _of_this_run(self, origin: str) -> bool:
        """Whether a dead letter's original message came after the run began."""
        topic, partition, offset = origin.rsplit("/", 2)
        return int(offset) >= self.began.get((topic, int(partition)), 0)

    def _new(self, topic: str) -> list[Any]:
        records = read_all(topic, self.start)
        for r in records:  # keyed by the broker's (prefixed) topic name, as read_all seeks
            self.start[(r.topic, r.partition)] = max(
                self.start.get((r.topic, r.partition), 0), r.offset + 1
            )
        return records

    def wait_applied(
        self, ids: set[str], timeout: float, give_up: Callable[[], bool] = lambda: False
    ) -> float | None:
        """Seconds until every event of ``ids`` is applied; None if not within ``timeout``.

        ``give_up`` says when waiting cannot help any more (a needed process has died).
        """
        started = time.monotonic()
        missing = set(ids)
        while True:
            # The read models' database may still be coming back.
            with contextlib.suppress(psycopg.Error):
                missing -= self.applied(missing)
            if not missing:
                return time.monotonic() - started
            if time.monotonic() - started > timeout or give_up():
                return None
            time.sleep(0.5)

    def counts(self) -> Counts:
        """Every figure of a row, now."""
        committed = self.committed()
        applied = self.applied()
        self.read_kafka()
        # A request still in flight when the load paused may commit between the stores' read
        # and Kafka's: count on Kafka what the stores had then, and call an event on Kafka
        # that is in no store even now a phantom (never expected; a real fault if seen).
        on_kafka = sum(1 for _, ce_id in self.kafka_ids if ce_id.decode() in committed)
        unseen = {ce_id.decode() for _, ce_id in self.kafka_ids} - committed
        phantoms = len(unseen - self.committed()) if unseen else 0
        return Counts(
            committed=len(committed),
            on_kafka=on_kafka,
            phantoms=phantoms,
            applied=len(applied & committed),
            duplicates=self.duplicates(),
            lost=len(committed - applied),
            dead_lettered=len(self.dead_letters),
        )

    def by_topic(self) -> dict[str, int]:
        """Distinct events of the run on each topic."""
        return dict(sorted(Counter(self.kafka_ids.values()).items()))

    def poison_missing(self, injected: dict[bytes, str]) -> list[str]:
        """Poison messages (key -> topic) some consuming runner did not dead-letter with reason."""
        self.read_kafka()
        seen = {
            (d["key"], d.get("x-ssp-dlq-runner", b"").decode())
            for d in self.dead_letters
            if d.get(REASON_HEADER)
        }
        return [
            f"{key.decode()} by {runner}"
            for key, topic in injected.items()
            for runner in sorted(self.consumers[topic])
            if (key, runner) not in seen
        ]
