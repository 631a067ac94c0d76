"""Many writers at once: the relay still publishes every event (no late commit is skipped)."""

import asyncio
import threading
import uuid
from typing import Any

import pytest
from eventsourcing.postgres import PostgresApplicationRecorder

from services.runtime.eventstore import open_application
from services.runtime.relay import OutboxRelay
from services.runtime.selftest import SelfTestApplication, translator
from services.runtime.settings import ServiceSettings
from services.runtime.testing import read_all

pytestmark = pytest.mark.stack

WRITERS, AGGREGATES_EACH, STEPS = 8, 40, 3


def test_events_saved_concurrently_all_reach_kafka(fresh_db: Any) -> None:
    settings = ServiceSettings.for_service("selftest", db_name=fresh_db("writers"))
    app = open_application(SelfTestApplication, settings)
    # The library's insert function skips the table lock that keeps commits in id order; a
    # late commit below the relay's position would never be published. It must stay off.
    assert isinstance(app.recorder, PostgresApplicationRecorder)
    assert not app.recorder.datastore.enable_db_functions
    ids: set[str] = set()
    lock = threading.Lock()

    def write() -> None:
        for _ in range(AGGREGATES_EACH):
            written = app.write(uuid.uuid4().hex, 1, STEPS)
            with lock:
                ids.update(str(i) for i in written)

    async def relay_while_writing() -> None:
        relay = OutboxRelay(app, translator, settings)
        await relay.start()
        try:
            # Given writers committing concurrently while the relay publishes
            writers = [threading.Thread(target=write) for _ in range(WRITERS)]
            for thread in writers:
                thread.start()
            while any(t.is_alive() for t in writers):
                await relay.run_until_caught_up()
                await asyncio.sleep(0.01)
            await relay.run_until_caught_up()
        finally:
            await relay.stop()

    asyncio.run(relay_while_writing())
    app.close()

    # Then every event of every writer is on Kafka
    published = {
        (r.key.decode(), dict(r.headers)["ce_sequence"])
        for r in read_all("ssp.platform.selftest")
        if r.key is not None and r.key.decode() in ids
    }
    assert len(published) == WRITERS * AGGREGATES_EACH * STEPS
