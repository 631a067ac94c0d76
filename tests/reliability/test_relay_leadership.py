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
from tests.reliability.relay_helpers import (
    RelayProcess,
    assert_complete_and_ordered,
    events_on_kafka,
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

    def run(self) -> None:
        settings = ServiceSettings.for_service("selftest", db_name=self.db)
        app = open_application(SelfTestApplication, settings)
        try:
            for _ in range(ROUNDS):
                self.ids |= {str(i) for i in app.write(self.run_id, AGGREGATES, STEPS)}
        except BaseException as exc:
            self.error = exc
        finally:
            app.close()


def test_the_standby_takes_over_when_the_leader_is_killed_mid_batch(fresh_db: Any) -> None:
    db = fresh_db("relaylead")
    writer = Writer(db)
    writer.start()
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
        wait_for(lambda: position(db) >= 1000, timeout=120, every=0.05, what="some batches")
        first.signal(signal.SIGKILL)
        killed_at = position(db)
        # Then the standby takes over (the server released the dead session's lock)
        wait_for(lambda: second.metric("ssp_relay_leader{}") == 1, timeout=30, what="takeover")
        writer.join(timeout=300)
        assert writer.error is None and not writer.is_alive()
        wait_for(lambda: position(db) == newest(db), timeout=180, what="the standby caught up")
        assert killed_at < newest(db), "the kill must land mid-stream"
    finally:
        second.signal(signal.SIGKILL)
        first.signal(signal.SIGKILL)
    # And nothing is missing, and each aggregate's events are in order
    assert_complete_and_ordered(events_on_kafka(writer.ids), ROUNDS * AGGREGATES, STEPS)


def test_sigterm_drains_without_recording_an_unpublished_position(fresh_db: Any) -> None:
    db = fresh_db("relaydrain")
    writer = Writer(db)
    writer.start()
    relay = RelayProcess("selftest", db).start()
    try:
        wait_for(lambda: position(db) >= 1000, timeout=120, every=0.05, what="some batches")
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
    on_kafka = {e.id for e in events_on_kafka(writer.ids)}
    assert expected and expected <= on_kafka
    # And the next run goes on from there with no gap
    relay = RelayProcess("selftest", db).start()
    try:
        wait_for(lambda: position(db) == newest(db), timeout=180, what="the next run caught up")
    finally:
        relay.signal(signal.SIGTERM)
    assert_complete_and_ordered(events_on_kafka(writer.ids), ROUNDS * AGGREGATES, STEPS)
