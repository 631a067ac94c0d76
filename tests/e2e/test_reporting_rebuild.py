"""Any read model can be rebuilt from Kafka into a fresh schema, compared, and swapped in.

The audit trail is the exception: only ever appended to, it is moved into the swapped-in
schema as it is (issue 12, item 6).
"""

import asyncio
import json
import uuid
from typing import Any

import asyncpg
import httpx
import jsonschema
import pytest
from ssp_contracts.topics import EVENT_TOPICS

from services.reporting import audit_trail, rebuild
from services.reporting.tests.abstraction_stories import hackney_and_camden
from services.reporting.tests.audit_stories import reported
from services.reporting.tests.builders import publish
from services.reporting.tests.disclosure_stories import deployments, disclosures
from services.reporting.tests.performance_stories import (
    incidents,
    indicators,
    schools,
    searches,
)
from services.reporting.views import AUDIT_RUNNER, VIEWS_RUNNER
from services.runtime.dbroles import as_migrator
from services.runtime.settings import REPO_ROOT, ServiceSettings
from services.runtime.testing import bearer, read_all, wait_for
from services.runtime.topic_ends import end_offsets

pytestmark = pytest.mark.stack
AUDITOR = bearer("auditor", "auditor-rb")
SCHEMAS = REPO_ROOT / "contracts/ssp_contracts/schemas"


def story() -> list[Any]:
    return [
        *schools(),
        *incidents(),
        *searches(),
        *deployments(),
        *disclosures(),
        *hackney_and_camden(),
        indicators("S1", "2026-autumn", 1, (3, 30, 1, 0)),
    ]


def assert_on_kafka_as_contracted(ids: set[str]) -> None:
    """Each published event is on its topic and its data meets the committed JSON Schema."""
    found = 0
    for topic in EVENT_TOPICS:
        for record in read_all(topic):
            headers = dict(record.headers or ())
            if headers.get("ce_id", b"").decode() not in ids:
                continue
            event_type = headers["ce_type"].decode()
            schema = json.loads((SCHEMAS / f"{event_type}.json").read_text())
            jsonschema.validate(json.loads(record.value), schema)
            found += 1
    assert found == len(ids)


def caught_up(settings: ServiceSettings) -> bool:
    """Both live runners have stored the current end of every partition."""
    ends = end_offsets(settings.kafka_bootstrap, EVENT_TOPICS)

    async def check() -> bool:
        conn = await rebuild.connect(settings, "public")
        try:
            for runner in (AUDIT_RUNNER, VIEWS_RUNNER):
                rows = await conn.fetch(
                    "SELECT topic, partition, next_offset FROM ssp_consumer_offsets"
                    " WHERE runner = $1",
                    runner,
                )
                stored = {(r["topic"], r["partition"]): r["next_offset"] for r in rows}
                if any(
                    stored.get(k, 0) < v
                    for k, v in ends.items()
                    if runner == AUDIT_RUNNER or not k[0].startswith("ssp.platform")
                ):
                    return False
            return True
        finally:
            await conn.close()

    return asyncio.run(check())


def test_rebuild_compare_and_swap(services: Any, fresh_db: Any) -> None:
    db = fresh_db("reporting")
    settings = ServiceSettings.for_service("reporting", db_name=db)
    env = {
        "SSP_REPORTING_DB_NAME": db,
        "SSP_REPORTING_CONSUMER_GROUP_SUFFIX": f".rb{uuid.uuid4().hex[:8]}",
    }
    live = services("reporting", **env)

    # Given the live read models have applied the hand-worked story and all else on the topics
    events = story()
    publish(events)
    assert_on_kafka_as_contracted({e.envelope.id for e in events})
    wait_for(lambda: caught_up(settings), timeout=90, what="the live runners to catch up")
    live.stop()

    # When every read model is rebuilt from Kafka into a fresh schema, to the same offsets
    # (by the migration role, which alone may swap the audit trail's schema)
    settings = as_migrator(settings)

    async def rebuild_and_compare() -> tuple[list[Any], list[Any]]:
        conn = await rebuild.connect(settings, "public")
        try:
            target = await rebuild.live_offsets(conn, "public")
            report = await rebuild.rebuild(settings, "rebuilt", until=target)
            assert report.applied >= len(story())
            same = await rebuild.compare(conn, "public", "rebuilt")
            # (the comparison does look: one row missing from a rebuilt table shows)
            tr = conn.transaction()
            await tr.start()
            await conn.execute("DELETE FROM rebuilt.abs_shifts WHERE shift_date = '2026-11-09'")
            missing = await rebuild.compare(conn, "public", "rebuilt")
            await tr.rollback()
            return same, missing
        finally:
            await conn.close()

    # Then it matches the live one row for row, in every table
    same, missing = asyncio.run(rebuild_and_compare())
    assert same == []
    assert [(d.table, d.only_in_fresh) for d in missing] == [("abs_shifts", 0)]
    assert missing[0].only_in_live >= 1

    # And when it is swapped in and the service restarted, it carries on from there
    trail = "SELECT trail_id, (SELECT count(*) FROM audit_trail) FROM audit_epochs"

    async def swap_and_verify() -> tuple[Any, Any, audit_trail.Verdict]:
        conn = await rebuild.connect(settings, "public")
        try:
            before = tuple(await conn.fetchrow(trail) or ())
            await rebuild.swap(conn, "public", "rebuilt", "retired")
        finally:
            await conn.close()
        conn = await rebuild.connect(settings, "public")
        try:
            after = tuple(await conn.fetchrow(trail) or ())
            return before, after, await audit_trail.verify(conn)
        finally:
            await conn.close()

    # (the very same trail, not a rebuilt one)
    before, after, verdict = asyncio.run(swap_and_verify())
    assert verdict.ok and before == after
    restarted = services("reporting", **env)
    newcomer = reported(uuid.uuid4().int % 10**12, actor="officer-rb", minute=0)
    publish([newcomer])

    def in_trail() -> list[Any]:
        answer = httpx.get(
            f"{restarted.url}/audit", params={"entity": newcomer.envelope.subject}, headers=AUDITOR
        )
        assert answer.status_code == 200, answer.text
        return answer.json()

    [entry] = wait_for(in_trail, timeout=60, what="a new event in the swapped-in trail")
    assert entry["actor_id"] == "officer-rb"
    assert httpx.get(f"{restarted.url}/audit/verify", headers=AUDITOR).json()["ok"] is True

    async def retired_has_a_trail() -> bool:
        conn = await asyncpg.connect(settings.pg_dsn)
        try:
            return bool(await conn.fetchval("SELECT to_regclass('retired.audit_trail')"))
        finally:
            await conn.close()

    assert asyncio.run(retired_has_a_trail()) is False


def test_a_swap_is_refused_while_the_fresh_schema_is_behind(fresh_db: Any) -> None:
    db = fresh_db("reporting")
    settings = as_migrator(ServiceSettings.for_service("reporting", db_name=db))

    async def attempt() -> str:
        conn = await rebuild.connect(settings, "public")
        try:
            from services.reporting.feed import create_schema_tables

            await create_schema_tables(conn)
            await conn.execute(
                "INSERT INTO ssp_consumer_offsets VALUES ($1, 'ssp.incidents.events', 0, 5)",
                VIEWS_RUNNER,
            )
            await conn.execute("CREATE SCHEMA empty")
            await conn.execute("SET search_path = empty")
            await create_schema_tables(conn)
            with pytest.raises(rebuild.RebuildError) as refused:
                await rebuild.swap(conn, "public", "empty", "old")
            return str(refused.value)
        finally:
            await conn.close()

    assert "behind at reporting.views ssp.incidents.events/0 (0 < 5)" in asyncio.run(attempt())
