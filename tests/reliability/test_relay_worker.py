"""The relay's worker process gives exactly the messages the relay would make itself, and it
never outlives the relay."""

import asyncio
import os
import signal
import uuid
from pathlib import Path
from typing import Any

import pytest

from services.runtime.domain import Actor
from services.runtime.eventstore import open_application
from services.runtime.relay_batch import Batch, InProcessReader
from services.runtime.relay_skip import RelaySkip
from services.runtime.relay_worker import RelayWorker
from services.runtime.selftest import SelfTestApplication, translator
from services.runtime.settings import ServiceSettings
from services.runtime.testing import wait_for
from tests.reliability.relay_helpers import RelayProcess, newest, position

pytestmark = pytest.mark.stack
SOURCE = f"/ssp/selftest/{uuid.uuid4()}"
SKIPPED = b"uk.police.ssp.platform.relay_event_skipped.v1"


def test_the_worker_translates_a_mixed_log_as_the_relay_itself_does(fresh_db: Any) -> None:
    # Given a log of canaries, a poison (a note over the contract's 2,000 characters), more
    # canaries and an operator's skip notice, the poison's id among the skipped ones
    app = open_application(
        SelfTestApplication, ServiceSettings.for_service("selftest", db_name=fresh_db("worker"))
    )
    run = uuid.uuid4().hex
    app.write(run, 4, 5, note='ünïcode, "quotes"')
    app.write(run, 1, 1, note="x" * 2001)
    poison = newest(app.env["POSTGRES_DBNAME"])
    app.write(run, 3, 4)
    operator = Actor("ops-1", "operator", "corr-1")
    skip = RelaySkip(
        "selftest-outbox",
        "selftest",
        poison,
        f"{uuid.uuid4()}/1",
        None,
        "ssp.platform.selftest",
        "ValidationError",
        "too long",
        operator,
    )
    app.save(skip)
    try:
        for skips in (set(), {poison}):
            # When both read it in batches of 7 (the worker reads the next one ahead)
            here, there = asyncio.run(both(app, skips))
            # Then they give the same messages, byte for byte, and stop at the same poison
            assert [b.messages for b in there] == [b.messages for b in here]
            assert [(b.read, b.last_id) for b in there] == [(b.read, b.last_id) for b in here]
            assert [p_args(b) for b in there] == [p_args(b) for b in here]
            sent = [m for b in here for m in b.messages]
            if skips:
                # (past the poison, to the skip notice, last in the log)
                assert here[-1].read == 0 and poison not in {m[0] for m in sent}
                assert dict(sent[-1][4])["ce_type"] == SKIPPED
                assert sent[-1][2] == str(skip.id).encode()
            else:
                stop = here[-1].poison
                assert stop is not None and (stop.notification_id, stop.reason) == (
                    poison,
                    "translation",
                )
                assert len(sent) == 20
        # And the actor pseudonyms the worker made are the relay's own
        actors = {a for b in there for a in b.actors}
        assert actors and all(translator.pseudonyms.of(s) == p for p, s in actors)
    finally:
        app.close()


def p_args(batch: Batch) -> tuple[int, str, str] | None:
    """The poison of a batch, as comparable values."""
    p = batch.poison
    return None if p is None else (p.notification_id, p.reason, p.error)


async def both(app: Any, skips: set[int]) -> tuple[list[Batch], list[Batch]]:
    """Every batch from the start of the log, in-process and from a worker."""
    worker = await RelayWorker.start(app, translator)
    assert worker is not None, "the selftest application and translator are importable"
    try:
        return await batches(InProcessReader(app, translator), skips), await batches(worker, skips)
    finally:
        await worker.close()


async def batches(reader: Any, skips: set[int]) -> list[Batch]:
    """Batches of 7 until one is empty or poisoned."""
    found, start = [], 1
    while True:
        batch = await reader.ask(start, 7, skips, SOURCE)
        found.append(batch)
        if not batch.read or batch.poison:
            return found
        start = batch.last_id + 1


def test_the_worker_dies_with_the_relay_and_a_lost_worker_is_replaced(fresh_db: Any) -> None:
    # Given a relay process that took the lead behind a backlog of more than its worker
    # threshold (two batches here), and so published it through its worker
    db = fresh_db("workerdies")
    app = open_application(SelfTestApplication, ServiceSettings.for_service("selftest", db_name=db))
    app.write(uuid.uuid4().hex, 20, 5)
    relay = RelayProcess("selftest", db, RELAY_BATCH_SIZE="10", RELAY_WORKER_BACKLOG="20").start()
    try:
        wait_for(lambda: position(db) == newest(db), timeout=90, what="the relay caught up")
        first = wait_for(lambda: worker_of(relay), timeout=30, what="the relay's worker")

        # When the worker is killed, the relay starts another once two full batches have come
        # back to back (each of the three commits here holds two) and publishes what comes next
        os.kill(first, signal.SIGKILL)
        app.write(uuid.uuid4().hex, 3, 20)
        wait_for(lambda: position(db) == newest(db), timeout=90, what="the relay went on")
        second = wait_for(lambda: worker_of(relay), timeout=30, what="a new worker")
        assert second != first

        # When the relay itself is killed, its worker ends too
        relay.signal(signal.SIGKILL)
        wait_for(lambda: not alive(second), timeout=30, what="the orphaned worker's exit")
    finally:
        relay.signal(signal.SIGKILL)
        app.close()


def worker_of(relay: RelayProcess) -> int | None:
    """The pid of the relay process's worker, if it has one."""
    assert relay.proc is not None
    pid = relay.proc.pid
    children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    for child in children:
        cmdline = Path(f"/proc/{child}/cmdline").read_bytes()
        if b"relay_worker_process" in cmdline and alive(int(child)):
            return int(child)
    return None


def alive(pid: int) -> bool:
    """Whether ``pid`` runs (a zombie left for its reaper has ended)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] not in ("Z", "X")
