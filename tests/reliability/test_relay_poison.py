"""An event refused for good stops the relay at exactly that event, loudly; only the operator's
``ssp relay skip`` lets it past, and the skip is an event of the store that subscribers and the
audit trail see."""

import asyncio
import uuid
from typing import Any

import asyncpg
import pytest
from ssp_contracts import CloudEvent

from services.reporting.projections.audit import AuditTrail
from services.runtime.eventstore import open_application
from services.runtime.projection import decode_record
from services.runtime.pseudonyms import for_service
from services.runtime.selftest import SelfTestApplication
from services.runtime.settings import ServiceSettings
from services.runtime.testing import read_all, wait_for
from tests.reliability.relay_helpers import (
    RelayProcess,
    assert_complete_and_ordered,
    events_on_kafka,
    mark,
    newest,
    position,
    relay_cli,
    sql,
)

pytestmark = pytest.mark.stack
SKIPPED = "uk.police.ssp.platform.relay_event_skipped.v1"

# (why it is refused, relay settings, note of the poison canary)
CASES = {
    # The contract caps a note at 2,000 characters: translation raises (a translator bug).
    "translation": ({}, "x" * 2001),
    # A valid event larger than the producer may send: refused by Kafka's size limit.
    "refused": ({"RELAY_MAX_REQUEST_BYTES": "1500"}, "y" * 1900),
}


@pytest.mark.parametrize("reason", sorted(CASES))
def test_a_poison_event_stops_the_relay_until_an_operator_skips_it(
    fresh_db: Any, reason: str
) -> None:
    env, note = CASES[reason]
    db = fresh_db("relaypoison")
    since = mark()  # this test's events only: the topic is shared
    settings = ServiceSettings.for_service("selftest", db_name=db)
    app = open_application(SelfTestApplication, settings)
    run_id = uuid.uuid4().hex
    # Given good events, then one refused for good, then more good events
    before = {str(i) for i in app.write(run_id, 10, 5)}
    poison = str(app.write(run_id, 1, 1, note=note)[0])
    poison_at = newest(db)
    after = {str(i) for i in app.write(run_id, 10, 5)}
    relay = RelayProcess("selftest", db, **env).start()
    try:
        # Then the relay stops exactly at it: position just short, stall recorded and exported
        wait_for(
            lambda: relay.metric("ssp_relay_stalled_notification{}") == poison_at,
            timeout=90,
            what=f"the relay stalled at {poison_at}",
        )
        assert position(db) == poison_at - 1
        assert relay.metric(f"ssp_relay_errors_total{{reason={reason}}}") >= 1
        assert relay.metric("ssp_relay_state{state=stalled}") == 1
        assert relay.metric("ssp_relay_lag_events{}") > 0
        assert not events_on_kafka(after | {poison}, since), "nothing after it may be published"
        assert f"stopped at notification {poison_at}" in relay.log()

        # When the operator names another notification, the command refuses in one line
        wrong = relay_cli("skip", "selftest", str(poison_at + 1), "--reason", "x", "--db", db)
        assert wrong.returncode == 2 and len(wrong.stderr.strip().splitlines()) == 1
        assert f"stalled at {poison_at}" in wrong.stderr

        # When the operator skips the named one, with a reason
        actor = ("--actor", "ops-1", "--db", db)
        done = relay_cli("skip", "selftest", str(poison_at), "--reason", "too big", *actor)
        assert done.returncode == 0, done.stderr

        # Then the relay goes on and publishes everything after it, the skip event last
        wait_for(lambda: position(db) == newest(db), timeout=90, what="the relay past the skip")
        wait_for(lambda: relay.metric("ssp_relay_state{state=running}") == 1, timeout=30)
        assert relay.metric("ssp_relay_stalled_notification{}") == 0
    finally:
        relay.signal()
        app.close()
    records = read_all("ssp.platform.selftest", since)  # read once, from the test's start
    assert_complete_and_ordered(events_on_kafka(before | after, since, records=records), 20, 5)
    assert not events_on_kafka({poison}, since, records=records), (
        "the skipped event is never published"
    )
    skip = skip_record(poison_at, records)
    event = CloudEvent.from_kafka(skip.headers, skip.value)
    operator = for_service("selftest").of("ops-1")  # on Kafka, the operator's pseudonym
    assert (event.actorid, event.actorrole) == (operator, "operator")
    # The operator's words and the error text stay in the store: no free text on Kafka
    assert "reason" not in event.data and "error" not in event.data
    assert b"too big" not in skip.value
    failure = "refused-by-broker" if reason == "refused" else "untranslatable"
    assert event.data["failure"] == failure
    assert event.data["skipped_event_id"] == f"{poison}/1"
    if reason == "refused":
        assert event.data["skipped_event_type"] == "uk.police.ssp.platform.selftest_ticked.v1"
    rows = sql(db, "SELECT actor, reason FROM ssp_relay_skips WHERE notification_id=$1", poison_at)
    assert [tuple(r) for r in rows] == [("ops-1", "too big")]
    # And the audit trail records the skip as it records every event
    assert audit_entry(fresh_db("relayaudit"), skip) == (operator, SKIPPED)


def skip_record(notification_id: int, records: list[Any]) -> Any:
    """The skip event of ``notification_id`` as published."""
    found = [
        r
        for r in records
        if dict(r.headers).get("ce_type") == SKIPPED.encode()
        and CloudEvent.from_kafka(r.headers, r.value).data["notification_id"] == notification_id
    ]
    assert len(found) >= 1, "the skip event must be published"
    return found[-1]


def audit_entry(db: str, record: Any) -> tuple[str, str]:
    """Apply ``record`` to a fresh audit trail; return its (actor, type) as stored."""

    async def apply() -> tuple[str, str]:
        conn = await asyncpg.connect(ServiceSettings.for_service("admin", db_name=db).pg_dsn)
        try:
            trail = AuditTrail()
            await trail.create_tables(conn)
            await trail.apply(conn, [decode_record(record)])
            row = await conn.fetchrow("SELECT actor_id, event_type FROM audit_trail")
            assert row is not None, "the audit trail must hold the skip"
            return (row["actor_id"], row["event_type"])
        finally:
            await conn.close()

    return asyncio.run(apply())
