"""Group commit: concurrent saves share transactions, the log stays gap-free in commit order."""

import itertools
import threading
import uuid
from collections import defaultdict
from typing import Any

import psycopg
import pytest
from eventsourcing.persistence import IntegrityError, StoredEvent

from services.runtime.eventstore import open_application
from services.runtime.group_commit import GroupCommitRecorder, _Command
from services.runtime.idempotency_store import IDEMPOTENCY_DDL, Pending
from services.runtime.selftest import SelfTestApplication
from services.runtime.settings import ServiceSettings

pytestmark = pytest.mark.stack

THREADS, SAVES_EACH, STEPS = 16, 15, 2


def _rows(db: str, sql: str) -> list[Any]:
    s = ServiceSettings.for_service("selftest", db_name=db)
    with psycopg.connect(s.pg_dsn) as conn:
        return conn.execute(sql).fetchall()


def _app(db: str) -> SelfTestApplication:
    app = open_application(SelfTestApplication, ServiceSettings.for_service("selftest", db_name=db))
    assert isinstance(app.recorder, GroupCommitRecorder)
    return app


def _event(originator: uuid.UUID, version: int) -> StoredEvent:
    return StoredEvent(originator, version, "tests:Nothing", b"{}")


def test_concurrent_saves_get_a_gap_free_log_in_commit_order(fresh_db: Any) -> None:
    db = fresh_db("groupcommit")
    app = _app(db)
    saved: list[uuid.UUID] = []

    def save_many() -> None:
        saved.extend(app.write(uuid.uuid4().hex, SAVES_EACH, STEPS))

    # Given sixteen threads saving at once
    threads = [threading.Thread(target=save_many) for _ in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    app.close()

    # Then every event is stored once, with notification ids 1..n and no gap
    rows = _rows(
        db,
        "SELECT notification_id, originator_id, originator_version, xmin::text"
        " FROM selftest_events ORDER BY notification_id",
    )
    assert len(saved) == THREADS * SAVES_EACH
    assert [r[0] for r in rows] == list(range(1, THREADS * SAVES_EACH * STEPS + 1))
    # and each aggregate's events follow its versions in the log
    versions: dict[uuid.UUID, list[int]] = defaultdict(list)
    for _, originator, version, _ in rows:
        versions[originator].append(version)
    assert all(v == list(range(1, STEPS + 1)) for v in versions.values())
    # and ids follow commit order: a later transaction never holds a lower id
    spans = sorted((min(ids), max(ids)) for ids in _ids_by_xact(rows).values())
    assert all(a[1] < b[0] for a, b in itertools.pairwise(spans))


def _ids_by_xact(rows: list[Any]) -> dict[str, list[int]]:
    found: dict[str, list[int]] = defaultdict(list)
    for notification_id, _, _, xact in rows:
        found[xact].append(notification_id)
    return found


def test_a_batch_is_one_transaction_and_a_conflict_fails_only_its_command(fresh_db: Any) -> None:
    db = fresh_db("groupcommit")
    app = _app(db)
    recorder = app.recorder
    assert isinstance(recorder, GroupCommitRecorder)
    taken = uuid.uuid4()
    recorder.insert_events([_event(taken, 1)])

    # Given a batch of three commands queued together
    ok = [_Command([_event(uuid.uuid4(), 1), _event(uuid.uuid4(), 1)], None) for _ in range(3)]
    recorder._commit(ok)
    # Then they are committed in one transaction with consecutive ids
    assert [c.ids for c in ok] == [[2, 3], [4, 5], [6, 7]]
    xacts = _rows(db, "SELECT DISTINCT xmin::text FROM selftest_events WHERE notification_id > 1")
    assert len(xacts) == 1

    # When one command of a batch conflicts with a stored version
    before, clash, after = (
        _Command([_event(uuid.uuid4(), 1)], None),
        _Command([_event(taken, 1)], None),
        _Command([_event(uuid.uuid4(), 1)], None),
    )
    recorder._commit([before, clash, after])
    # Then only it fails; the others are stored
    assert isinstance(clash.error, IntegrityError) and clash.ids == []
    assert before.error is None and after.error is None
    assert len(before.ids) == len(after.ids) == 1 and before.ids[0] < after.ids[0]
    app.close()


def test_idempotency_keys_are_stored_with_their_batch(fresh_db: Any) -> None:
    db = fresh_db("groupcommit")
    _rows_exec(db, IDEMPOTENCY_DDL)
    app = _app(db)
    recorder = app.recorder
    assert isinstance(recorder, GroupCommitRecorder)

    # Given two commands with keys, and a third reusing the first one's key
    keys = [Pending("sgt:a", f"key-{n}-{uuid.uuid4().hex[:6]}", "f") for n in range(2)]
    first, second = (_Command([_event(uuid.uuid4(), 1)], k) for k in keys)
    again = _Command([_event(uuid.uuid4(), 1)], Pending("sgt:a", keys[0].key, "f"))
    recorder._commit([first, second, again])

    # Then the two are stored with their keys, and the repeat stores neither key nor events
    assert first.ids and second.ids and isinstance(again.error, IntegrityError)
    stored = {r[0] for r in _rows(db, "SELECT key FROM ssp_idempotency_keys")}
    assert stored == {k.key for k in keys}
    assert _rows(db, "SELECT count(*) FROM selftest_events")[0][0] == 2
    app.close()


def _rows_exec(db: str, sql: str) -> None:
    s = ServiceSettings.for_service("selftest", db_name=db)
    with psycopg.connect(s.pg_dsn) as conn:
        conn.execute(sql)
