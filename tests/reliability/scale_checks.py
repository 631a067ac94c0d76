"""What a run over many instances must show: the stores, Kafka and the read models agree."""

import asyncio
from collections import Counter, defaultdict

import httpx
from prometheus_client.parser import text_string_to_metric_families
from ssp_contracts.topics import EVENT_TOPICS

from services.cli.faults.tally import Tally, query
from services.reporting import audit_trail, rebuild
from services.reporting.chain import HASHED_V2
from services.reporting.feed import create_schema_tables, feed, stored_offsets
from services.reporting.views import runner_specs
from services.runtime.dbroles import as_migrator
from services.runtime.identity import event_source
from services.runtime.settings import ServiceSettings
from services.runtime.testing import read_all
from services.runtime.topic_ends import end_offsets
from tests.reliability.scale_load import Answer

WRITERS = ("incidents", "disclosure", "staffing")


def sources(databases: dict[str, str]) -> dict[str, str]:
    """``ce_source`` of each write service's store."""
    sql = "SELECT store_id::text FROM ssp_store_identity"
    return {s: event_source(s, query(databases[s], sql)[0][0]) for s in WRITERS}


def committed(databases: dict[str, str]) -> set[tuple[str, str]]:
    """(ce_source, ce_id) of every event in the stores that goes on Kafka."""
    tally, found = Tally(databases, {}), set()
    for service, source in sources(databases).items():
        rows = query(
            databases[service],
            f"SELECT originator_id::text, originator_version, topic FROM {service}_events",
        )
        found |= {(source, f"{o}/{v}") for o, v, t in rows if tally.published(service, t)}
    return found


def relays_drained(databases: dict[str, str]) -> bool:
    """Every store's relay has stored a position at its newest notification."""
    for service in WRITERS:
        db = databases[service]
        newest = query(db, f"SELECT coalesce(max(notification_id), 0) FROM {service}_events")
        stored = query(db, "SELECT coalesce(max(position), 0) FROM ssp_relay_position")
        if stored[0][0] < newest[0][0]:
            return False
    return True


def on_kafka(databases: dict[str, str]) -> list[dict[str, str]]:
    """The CloudEvents headers of every record on the event topics from this run's stores."""
    ours = set(sources(databases).values())
    found = []
    for topic in EVENT_TOPICS:
        for record in read_all(topic):
            # Other tests of the run share these topics and may write binary headers.
            headers = {k: (v or b"").decode("utf-8", "replace") for k, v in record.headers or ()}
            if headers.get("ce_source") in ours:
                found.append(headers)
    return found


def keys_applied_once(
    databases: dict[str, str],
    answers: list[Answer],
    events: list[dict[str, str]],
    in_doubt: list[str],
) -> list[str]:
    """Problems: a 2xx whose key the store lacks or answers otherwise, a key applied twice,
    or a key answered 'in doubt' that no store holds."""
    problems, keys = [], set()
    for service in WRITERS:
        rows = query(databases[service], "SELECT key, status, body FROM ssp_idempotency_keys")
        stored = {key: (status, bytes(body or b"")) for key, status, body in rows}
        keys |= set(stored)
        for a in (a for a in answers if a.service == service):
            if stored.get(a.key) != (a.status, a.body):
                problems.append(f"{a.method} {service}{a.path} {a.status}: key {a.key} not kept")
    problems += [f"in doubt but not applied: {k}" for k in in_doubt if k not in keys]
    # One command applied twice would give its key two events of one type on one aggregate
    # (a second version), or the same type on two aggregates (a second record).
    ids: dict[tuple[str, str, str], set[str]] = defaultdict(set)
    subjects: dict[tuple[str, str], set[str]] = defaultdict(set)
    for e in events:
        ids[(e["ce_correlationid"], e["ce_type"], e["ce_subject"])].add(e["ce_id"])
        subjects[(e["ce_correlationid"], e["ce_type"])].add(e["ce_subject"])
    problems += [f"{k} applied as {sorted(v)}" for k, v in ids.items() if len(v) > 1]
    problems += [f"{k} made {sorted(v)}" for k, v in subjects.items() if len(v) > 1]
    return problems


def effects_missing(answers: list[Answer], events: list[dict[str, str]]) -> list[str]:
    """2xx commands with no event of theirs on Kafka."""
    seen = {e["ce_correlationid"] for e in events}
    return [f"{a.method} {a.service}{a.path} {a.status}" for a in answers if a.key not in seen]


def lag_reported_twice(urls: list[str]) -> list[tuple[str, ...]]:
    """Partitions whose consumer lag two instances export (one of them no longer owns it)."""
    reporters: Counter[tuple[str, ...]] = Counter()
    for url in urls:
        for family in text_string_to_metric_families(httpx.get(f"{url}/metrics", timeout=5).text):
            for sample in family.samples:
                if sample.name == "ssp_consumer_lag":
                    labels = sample.labels
                    reporters[(labels["runner"], labels["topic"], labels["partition"])] += 1
    return sorted(k for k, n in reporters.items() if n > 1)


def reporting_caught_up(db: str) -> bool:
    """Reporting's runners have stored the current end of every event topic."""
    settings = ServiceSettings.for_service("reporting", db_name=db)
    ends = end_offsets(settings.kafka_bootstrap, EVENT_TOPICS)

    async def check() -> bool:
        conn = await rebuild.connect(settings, "public")
        try:
            for runner, _ in runner_specs():
                stored = await stored_offsets(conn, runner)
                if any(stored.get(tp, 0) < end for tp, end in ends.items()):
                    return False
            return True
        finally:
            await conn.close()

    return asyncio.run(check())


async def single_instance_differences(db: str, schema: str = "single") -> list[str]:
    """Feed every reporting runner in one process, from the topics' start to where the live
    instances stopped, into ``schema``; the tables that differ from the live ones.

    The audit trail is compared without its seq and hashes (they follow arrival order).
    """
    settings = as_migrator(ServiceSettings.for_service("reporting", db_name=db))
    live = await rebuild.connect(settings, "public")
    try:
        verdict = await audit_trail.verify(live)
    finally:
        await live.close()
    found = [] if verdict.ok else [f"the live audit chain does not verify: {verdict}"]
    conn = await rebuild.connect(settings, rebuild.check_schema_name(schema))
    try:
        until = await rebuild.live_offsets(conn, "public")
        await conn.execute(f'CREATE SCHEMA "{schema}"')
        await create_schema_tables(conn, runner_specs())
        await feed(conn, settings.kafka_bootstrap, until)
        found += [
            f"{d.table}: {d.only_in_live} rows only in the live, {d.only_in_fresh} only single"
            for d in await rebuild.compare(conn, "public", schema)
        ]
        columns = ", ".join(HASHED_V2)
        for a, b in (("public", schema), (schema, "public")):
            extra = await conn.fetchval(
                f"SELECT count(*) FROM (SELECT {columns} FROM {a}.audit_trail"
                f" EXCEPT ALL SELECT {columns} FROM {b}.audit_trail) x"
            )
            if extra:
                found.append(f"audit_trail: {extra} rows only in {a}")
        return found
    finally:
        await conn.close()
