"""How the event store commits under 16 concurrent writers, by recorder, against raw commits.

Sixteen threads save one new canary (one event) at a time through the application, as
sixteen request threads of a service do, for a few seconds per recorder:

- the library's recorder (an EXCLUSIVE table lock per transaction: commits one after another);
- group commit (``services.runtime.group_commit``, what the services run): the commands queued
  behind a committing one share the next transaction under the same lock;
- no table lock (a prototype for measurement only: commits overlap, but notification ids are
  then no longer issued in commit order, so a relay reading past its position could skip a
  late commit; it would need a reader that stops below the oldest in-flight transaction).
"""

import asyncio
import threading
import time
import uuid
from typing import Any

from bench.common import Measure, fresh_database
from bench.http_bench import raw_commits
from services.runtime.eventstore import eventstore_env
from services.runtime.idempotency_store import IdempotentRecorder
from services.runtime.selftest import SelfTestApplication
from services.runtime.settings import ServiceSettings

WRITERS = 16


class UnlockedRecorder(IdempotentRecorder):
    """Measurement only: the library's insert without the table lock (unsafe for the relay)."""

    def _lock_table(self, curs: Any) -> None:
        pass


RECORDERS = {
    "library lock": "services.runtime.idempotency_store:IdempotentRecorder",
    "group commit": "services.runtime.group_commit:GroupCommitRecorder",
    "no lock (unsafe)": "bench.commit_bench:UnlockedRecorder",
}


def saves_per_second(topic: str, seconds: float) -> float:
    """Single-event saves per second by ``WRITERS`` threads with the recorder ``topic``."""
    with fresh_database("benchcommit") as db:
        settings = ServiceSettings.for_service("selftest", db_name=db)
        app = SelfTestApplication(
            env={**eventstore_env(settings), "APPLICATION_RECORDER_TOPIC": topic}
        )
        run, done = uuid.uuid4().hex, [0] * WRITERS
        app.write(run, 1, 1)  # opens the pool before the clock starts
        until = time.perf_counter() + seconds

        def writer(n: int) -> None:
            while time.perf_counter() < until:
                app.write(run, 1, 1)
                done[n] += 1

        start = time.perf_counter()
        threads = [threading.Thread(target=writer, args=(n,)) for n in range(WRITERS)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        rate = sum(done) / (time.perf_counter() - start)
        app.close()
        return rate


def run(seconds: float) -> list[Measure]:
    """Each recorder's saves per second, against raw asyncpg commits at 16 connections."""
    with fresh_database("benchcommitraw") as db:
        dsn = ServiceSettings.for_service("selftest", db_name=db).pg_dsn
        raw = asyncio.run(raw_commits(dsn, seconds))
    return [
        Measure(f"store: {name}", 0, saves_per_second(topic, seconds), "asyncpg commits x16",
                raw, None, "saves/s")
        for name, topic in RECORDERS.items()
    ]  # fmt: skip
