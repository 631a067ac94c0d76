"""``Idempotency-Key`` (issue 15): a retried command is answered as the first time, applied once."""

import uuid
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
import psycopg
import pytest

from services.runtime.settings import ServiceSettings
from services.runtime.testing import bearer

pytestmark = pytest.mark.stack

SGT = bearer("borough_supervisor", "sgt-idempotency", borough="Hackney")


def school(school_id: str, pupils: int = 900) -> dict[str, Any]:
    """A school registration body."""
    return {
        "school_id": school_id,
        "name": "Idempotent school",
        "borough": "Hackney",
        "phase": "secondary",
        "pupil_count": pupils,
        "programme": "safer_schools_partnership",
    }


def stored_events(db: str, originator_id: str | None = None) -> int:
    """Events in the staffing store (of one aggregate if ``originator_id`` is given)."""
    s = ServiceSettings.for_service("admin")
    where, args = ("WHERE originator_id = %s", (originator_id,)) if originator_id else ("", ())
    with psycopg.connect(
        host=s.pg_host, port=s.pg_port, user=s.pg_user, password=s.pg_password, dbname=db
    ) as conn:
        row = conn.execute(f"SELECT count(*) FROM staffing_events {where}", args).fetchone()
        return int(row[0])  # type: ignore[index]


def test_a_retry_is_answered_as_the_first_request_and_applied_once(
    services: Any, fresh_db: Any
) -> None:
    db = fresh_db("staffing")
    staffing = services("staffing", SSP_STAFFING_DB_NAME=db)
    url, key = f"{staffing.url}/schools", {"Idempotency-Key": f"k-{uuid.uuid4().hex}"}
    body = school(f"S-IK-{uuid.uuid4().hex[:8]}")

    first = httpx.post(url, json=body, headers={**SGT, **key})
    assert first.status_code == 201, first.text
    applied = stored_events(db)

    # A retry with the same key and body: the same answer, nothing applied again
    retry = httpx.post(url, json=body, headers={**SGT, **key})
    assert (retry.status_code, retry.content) == (first.status_code, first.content)
    assert retry.headers["idempotent-replayed"] == "true"
    assert stored_events(db) == applied
    # (without a key the same request is a second command, refused by the store)
    assert httpx.post(url, json=body, headers=SGT).status_code == 409

    # The same key with another body is refused, naming the rule
    other = httpx.post(url, json=school(body["school_id"], 901), headers={**SGT, **key})
    assert other.status_code == 422
    assert other.json()["detail"]["rule"] == "idempotency-key-reused"

    # Another caller's key is its own
    theirs = bearer("borough_supervisor", "sgt-other", borough="Hackney")
    fresh_school = school(f"S-IK-{uuid.uuid4().hex[:8]}")
    assert httpx.post(url, json=fresh_school, headers={**theirs, **key}).status_code == 201

    # A key that is not a short token is refused
    bad = httpx.post(url, json=body, headers={**SGT, "Idempotency-Key": "no spaces allowed"})
    assert bad.status_code == 422
    assert bad.json()["detail"] == {
        "rule": "idempotency-key-format",
        "message": bad.json()["detail"]["message"],
        "field": "header.Idempotency-Key",
    }


def test_two_identical_requests_at_once_are_applied_once(services: Any, fresh_db: Any) -> None:
    db = fresh_db("staffing")
    staffing = services("staffing", SSP_STAFFING_DB_NAME=db)
    before = stored_events(db)
    for _ in range(3):
        body, key = school(f"S-IK-{uuid.uuid4().hex[:8]}"), f"k-{uuid.uuid4().hex}"

        def post(_: int, body: dict[str, Any] = body, key: str = key) -> httpx.Response:
            headers = {**SGT, "Idempotency-Key": key}
            return httpx.post(f"{staffing.url}/schools", json=body, headers=headers, timeout=30)

        with ThreadPoolExecutor(4) as pool:
            answers = list(pool.map(post, range(4)))
        assert {a.status_code for a in answers} == {201}, [a.text for a in answers]
        assert len({a.content for a in answers}) == 1
    # One SchoolRegistered per school: each key applied once
    assert stored_events(db) - before == 3


def test_an_instance_killed_after_the_commit_is_answered_on_retry(
    services: Any, fresh_db: Any
) -> None:
    """The crash window between the commit and the answer: the retry gets the first answer."""
    db = fresh_db("staffing")
    # This instance SIGKILLs itself right after committing a command keyed "crash-..."
    doomed = services("staffing", SSP_STAFFING_DB_NAME=db, SSP_FAULT_KILL_AFTER_COMMIT="crash-")
    survivor = services("staffing", SSP_STAFFING_DB_NAME=db)
    key = {"Idempotency-Key": f"crash-{uuid.uuid4().hex}"}
    body = school(f"S-IK-{uuid.uuid4().hex[:8]}")
    before = stored_events(db)

    with pytest.raises(httpx.TransportError):
        httpx.post(f"{doomed.url}/schools", json=body, headers={**SGT, **key}, timeout=30)
    assert doomed.proc is not None and doomed.proc.wait(timeout=30) == -9
    assert stored_events(db) == before + 1  # the command was committed, and never answered

    retry = httpx.post(f"{survivor.url}/schools", json=body, headers={**SGT, **key}, timeout=30)
    assert retry.status_code == 201, retry.text
    assert retry.headers["idempotent-replayed"] == "true"
    # The first answer: the id of the school registered, once
    assert stored_events(db) == before + 1
    assert stored_events(db, retry.json()["id"]) == 1
    again = httpx.post(f"{survivor.url}/schools", json=body, headers={**SGT, **key}, timeout=30)
    assert (again.status_code, again.content) == (retry.status_code, retry.content)
