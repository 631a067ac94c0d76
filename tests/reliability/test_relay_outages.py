"""The relay rides out a dropped database connection and a Kafka outage, and a service starts
(and answers ready) while Kafka is down, publishing its backlog when Kafka returns."""

import uuid
from typing import Any

import httpx
import pytest

from services.runtime.eventstore import open_application
from services.runtime.selftest import SelfTestApplication
from services.runtime.settings import ServiceSettings
from services.runtime.testing import wait_for
from services.runtime.topic_ends import start_runners_at_end
from tests.reliability.relay_helpers import (
    RelayProcess,
    assert_complete_and_ordered,
    events_on_kafka,
    mark,
    newest,
    position,
    sql,
    start_kafka,
    stop_kafka,
)

# It stops the stack's Kafka: on a stack of its own in `make test`, so no other test sees it.
pytestmark = [pytest.mark.stack, pytest.mark.own_stack, pytest.mark.timeout(900)]
AGGREGATES, STEPS = 50, 10  # 500 events per round


def write(db: str, run_id: str) -> set[str]:
    """500 canary events in ``db``; return the aggregate ids."""
    app = open_application(SelfTestApplication, ServiceSettings.for_service("selftest", db_name=db))
    try:
        return {str(i) for i in app.write(run_id, AGGREGATES, STEPS)}
    finally:
        app.close()


def test_relay_survives_a_dropped_connection_and_a_kafka_outage(fresh_db: Any) -> None:
    db = fresh_db("relayout")
    since = mark()  # this test's events only: the topic is shared
    run_id = uuid.uuid4().hex
    ids = write(db, run_id)
    relay = RelayProcess("selftest", db).start()
    try:
        wait_for(lambda: position(db) == newest(db), timeout=90, what="first round published")

        # When the server drops every connection of the relay's database
        sql(
            "postgres",
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = $1 AND pid <> pg_backend_pid()",
            db,
        )
        # Then it counts the drop (pg_terminate_backend only signals the backends: a relay
        # asked at once could still publish on its old connection and count nothing yet) ...
        wait_for(
            lambda: (
                relay.metric("ssp_relay_errors_total{reason=database}")
                + relay.metric("ssp_relay_errors_total{reason=leadership}")
                >= 1
            ),
            timeout=60,
            what="the relay to count the dropped connection",
        )
        # ... reconnects by itself (lock, LISTEN and the store's reads) and goes on
        ids |= write(db, run_id)
        wait_for(lambda: position(db) == newest(db), timeout=90, what="publishing after the drop")

        # When Kafka goes away while events keep being committed
        stop_kafka()
        try:
            ids |= write(db, run_id)
            wait_for(
                lambda: (
                    relay.metric("ssp_relay_errors_total{reason=kafka}") >= 1
                    and relay.metric("ssp_relay_lag_events{}") > 0
                ),
                timeout=120,
                what="the relay to count Kafka errors and report its lag",
            )
        finally:
            start_kafka()
        # Then it reconnects its producer and publishes everything
        wait_for(lambda: position(db) == newest(db), timeout=180, what="publishing after Kafka")
        wait_for(lambda: relay.metric("ssp_relay_lag_events{}") == 0, timeout=30, what="lag 0")
        assert relay.proc is not None and relay.proc.poll() is None, "the relay must not die"
    finally:
        relay.signal()
    assert_complete_and_ordered(events_on_kafka(ids, since), 3 * AGGREGATES, STEPS)
    assert "failed after notification" in relay.log()


def test_a_service_starts_while_kafka_is_down_and_publishes_its_backlog(
    services: Any, fresh_db: Any
) -> None:
    db = fresh_db("relaynokafka")
    since = mark()  # this test's events only: the topic is shared
    run_id = uuid.uuid4().hex
    # (its projection starts at the end of the shared topic: earlier tests' events are not ours)
    start_runners_at_end(db, {"selftest.canary": ["ssp.platform.selftest"]})
    stop_kafka()
    try:
        # Given a service started while Kafka is away: it is ready, and says where Kafka is
        service = services(
            "selftest",
            SSP_SELFTEST_DB_NAME=db,
            SSP_SELFTEST_RELAY_BACKOFF_MAX_SECONDS="1",
        )
        ready = httpx.get(f"{service.url}/readyz", timeout=10)
        assert ready.status_code == 200
        assert ready.json()["pipeline"]["kafka"].startswith("unavailable")
        wait_for(
            lambda: (
                httpx.get(f"{service.url}/readyz", timeout=10).json()["pipeline"]["outbox-relay"]
                in ("backing-off", "running")
            ),
            timeout=30,
            what="the relay reported in /readyz",
        )
        # And events committed meanwhile (the outbox keeps them)
        ids = write(db, run_id)
    finally:
        start_kafka()
    # Then the backlog is published once Kafka is back, and the service stayed ready throughout
    wait_for(lambda: position(db) == newest(db), timeout=180, what="the backlog published")
    body = httpx.get(f"{service.url}/readyz", timeout=10).json()
    assert body["status"] == "ok" and body["pipeline"]["outbox-relay"] == "running"
    assert_complete_and_ordered(events_on_kafka(ids, since), AGGREGATES, STEPS)
    # And its projection runner, which could not connect at start-up, consumed them all
    wait_for(
        lambda: (
            sql(
                db,
                "SELECT count(DISTINCT event_id) FROM selftest_canary WHERE subject = ANY($1)",
                list(ids),
            )[0][0]
            == AGGREGATES * STEPS
        ),
        timeout=120,
        what="the canary projection caught up",
    )
