"""One relay leads a store, a standby takes over when the leader is SIGKILLed under load, and
SIGTERM drains: whatever position is stored, every event up to it is on Kafka."""

import signal
import threading
import uuid
from typing import Any

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
)

pytestmark = pytest.mark.stack
ROUNDS, AGGREGATES, STEPS = 20, 25, 10  # 5,000 events, written while the relays run


class Writer(threading.Thread):
    """Commits canary events round after round, as a busy service would."""

    def __init__(self, db: str) -> None:
        super().__init__(daemon=True)
        self.db, self.ids, self.run_id = db, set[str](), uuid.uuid4().hex
        self.error: BaseException | None = None
        self.rounds = ROUNDS

    def backlog(self, rounds: int) -> "Writer":
        """Commit ``rounds`` first, so that the relays start behind; then write the rest."""
        self.rounds = rounds
        self.run()
        self.rounds = ROUNDS - rounds
        self.start()
        return self

    def run(self) -> None:
        settings = ServiceSettings.for_service("selftest", db_name=self.db)
        app = open_application(SelfTestApplication, settings)
        try:
            for _ in range(self.rounds):
                self.ids |= {str(i) for i in app.write(self.run_id, AGGREGATES, STEPS)}
        except BaseException as exc:
            self.error = exc
        finally:
            app.close()


def test_the_standby_takes_over_when_the_leader_is_killed_mid_batch(
    fresh_db: Any, services: Any
) -> None:
    db = fresh_db("relaylead")
    since = mark()  # this test's events only: the topic is shared
    # A read model of the canaries (no unique key: a duplicate applied would show as a row)
    start_runners_at_end(db, {"selftest.canary": ["ssp.platform.selftest"]})
    services("selftest", SSP_SELFTEST_DB_NAME=db, SSP_SELFTEST_RELAY_ENABLED="false")
    writer = Writer(db)
    # Given two relays of the same store: the first leads, the second waits
    first = RelayProcess("selftest", db).start()
    wait_for(lambda: first.metric("ssp_relay_leader{}") == 1, timeout=60, what="a leader")
    second = RelayProcess("selftest", db).start()
    try:
        wait_for(
            lambda: second.metric("ssp_relay_state{state=standby}") == 1,
            timeout=60,
            what="the second relay waiting as a standby",
        )
        # When the leader is killed while it publishes under load
        writer.start()
        wait_for(lambda: position(db) >= 500, timeout=120, every=0.05, what="some batches")
        first.signal(signal.SIGKILL)
        under_load = writer.is_alive()
        # Then the standby takes over (the server released the dead session's lock)
        wait_for(lambda: second.metric("ssp_relay_leader{}") == 1, timeout=30, what="takeover")
        writer.join(timeout=300)
        assert writer.error is None and not writer.is_alive()
        wait_for(lambda: position(db) == newest(db), timeout=180, what="the standby caught up")
        assert under_load, "the kill must land while events are being written"
    finally:
        second.signal(signal.SIGKILL)
        first.signal(signal.SIGKILL)
    # And nothing is missing, and each aggregate's events are in order
    assert_complete_and_ordered(events_on_kafka(writer.ids, since), ROUNDS * AGGREGATES, STEPS)
    # And the read model applied each event exactly once, re-sent batches included
    total = ROUNDS * AGGREGATES * STEPS
    query = "SELECT count(*), count(DISTINCT event_id) FROM selftest_canary WHERE subject = ANY($1)"
    wait_for(
        lambda: sql(db, query, list(writer.ids))[0][1] == total,
        timeout=120,
        what="the read model caught up",
    )
    assert tuple(sql(db, query, list(writer.ids))[0]) == (total, total)


def test_sigterm_drains_without_recording_an_unpublished_position(fresh_db: Any) -> None:
    db = fresh_db("relaydrain")
    since = mark()  # this test's events only: the topic is shared
    writer = Writer(db).backlog(ROUNDS // 2)
    relay = RelayProcess("selftest", db).start()
    try:
        wait_for(lambda: position(db) >= 500, timeout=120, every=0.05, what="some batches")
        # When the relay is asked to stop in the middle of the stream
        assert relay.signal(signal.SIGTERM) == 0
    finally:
        relay.signal(signal.SIGKILL)
    writer.join(timeout=300)
    stored = position(db)
    # Then every event up to the stored position is on Kafka (nothing recorded half-done)
    rows = sql(
        db,
        "SELECT originator_id, originator_version FROM selftest_events WHERE notification_id <= $1",
        stored,
    )
    expected = {f"{r[0]}/{r[1]}" for r in rows}
    on_kafka = {e.id for e in events_on_kafka(writer.ids, since)}
    assert expected and expected <= on_kafka
    # And the next run goes on from there with no gap
    relay = RelayProcess("selftest", db).start()
    try:
        wait_for(lambda: position(db) == newest(db), timeout=180, what="the next run caught up")
    finally:
        relay.signal(signal.SIGTERM)
    assert_complete_and_ordered(events_on_kafka(writer.ids, since), ROUNDS * AGGREGATES, STEPS)
