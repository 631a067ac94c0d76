"""Auditors find entries by entity, actor, type and time, as JSON or CSV, and export them."""

import csv
import io
import json
from datetime import timedelta
from typing import Any

import asyncpg
import pytest
from fastapi.testclient import TestClient

from services.reporting.tests.audit_stories import record, reported
from services.reporting.tests.builders import T0
from services.runtime.paging import NEXT_HEADER, After
from services.runtime.testing import bearer

pytestmark = pytest.mark.stack
AUDITOR = bearer("auditor", "auditor-1")
ENTITY_2 = "00000000-0000-0000-0000-000000000002"


@pytest.fixture
async def given_a_trail_of_two_officers(
    read_models: asyncpg.Connection, api: TestClient
) -> TestClient:
    # Officer 1 reports incidents 1 and 2, officer 2 reports incident 3 (minutes 1, 2, 3)
    await record(
        read_models, [reported(1), reported(2)], [reported(3, school="school-b", actor="officer-2")]
    )
    return api


def entities(answer: list[dict[str, Any]]) -> list[object]:
    return [e["entity"][-1] for e in answer]


def test_by_entity(given_a_trail_of_two_officers: TestClient) -> None:
    answer = given_a_trail_of_two_officers.get(
        "/audit", params={"entity": ENTITY_2}, headers=AUDITOR
    )
    assert answer.status_code == 200, answer.text
    [entry] = answer.json()
    assert entry["actor_id"] == "officer-1"
    assert entry["actor_role"] == "school_officer"
    assert entry["data"]["school_id"] == "school-a"
    assert len(entry["hash"]) == 64


def test_by_actor_and_by_type(given_a_trail_of_two_officers: TestClient) -> None:
    client = given_a_trail_of_two_officers
    by_actor = client.get("/audit", params={"actor": "officer-2"}, headers=AUDITOR).json()
    assert entities(by_actor) == ["3"]
    by_type = client.get(
        "/audit",
        params={"type": "uk.police.ssp.incidents.incident_reported.v1"},
        headers=AUDITOR,
    ).json()
    assert entities(by_type) == ["1", "2", "3"]
    assert client.get("/audit", params={"type": "nope"}, headers=AUDITOR).json() == []


def test_by_time_range_includes_since_and_excludes_until(
    given_a_trail_of_two_officers: TestClient,
) -> None:
    since, until = T0 + timedelta(minutes=2), T0 + timedelta(minutes=3)
    answer = given_a_trail_of_two_officers.get(
        "/audit", params={"since": since.isoformat(), "until": until.isoformat()}, headers=AUDITOR
    )
    assert entities(answer.json()) == ["2"]


def test_paging_with_after_seq(given_a_trail_of_two_officers: TestClient) -> None:
    client = given_a_trail_of_two_officers
    first = client.get("/audit", params={"limit": 2}, headers=AUDITOR).json()
    rest = client.get("/audit", params={"after_seq": first[-1]["seq"]}, headers=AUDITOR).json()
    assert entities(first) + entities(rest) == ["1", "2", "3"]


def test_paging_with_the_cursor_of_every_list(given_a_trail_of_two_officers: TestClient) -> None:
    client, found, params = given_a_trail_of_two_officers, [], {"limit": "1"}
    while True:
        page = client.get("/audit", params=params, headers=AUDITOR)
        found += entities(page.json())
        if NEXT_HEADER not in page.headers:
            break
        assert 'rel="next"' in page.headers["Link"]
        params = {"limit": "1", "cursor": page.headers[NEXT_HEADER]}
    assert found == ["1", "2", "3"]
    for cursor in ("?", After("monday", "x").encode()):
        bad = client.get("/audit", params={"cursor": cursor}, headers=AUDITOR)
        assert (bad.status_code, bad.json()["detail"]["field"]) == (422, "query.cursor")
        assert bad.json()["detail"]["rule"] == "invalid-cursor"


def test_a_position_beyond_any_seq_is_refused_naming_the_field(api: TestClient) -> None:
    # Given a page position no bigserial can hold (found by the fuzz: it answered 500)
    answer = api.get("/audit", params={"after_seq": 2**63}, headers=AUDITOR)
    # Then it is a 422 naming after_seq, and the largest position still answers
    assert answer.status_code == 422, answer.text
    assert answer.json()["detail"]["field"] == "query.after_seq"
    assert answer.json()["detail"]["rule"] == "less-than-equal"
    assert api.get("/audit", params={"after_seq": 2**63 - 1}, headers=AUDITOR).json() == []


def test_a_backwards_time_range_is_refused_naming_the_field(
    given_a_trail_of_two_officers: TestClient,
) -> None:
    answer = given_a_trail_of_two_officers.get(
        "/audit",
        params={"since": (T0 + timedelta(hours=1)).isoformat(), "until": T0.isoformat()},
        headers=AUDITOR,
    )
    assert answer.status_code == 422
    assert answer.json()["detail"]["rule"] == "until-after-since"
    assert answer.json()["detail"]["field"] == "query.until"
    assert answer.json()["detail"]["message"].startswith("until:")
    naive = given_a_trail_of_two_officers.get(
        "/audit", params={"since": "2026-11-23T09:00:00"}, headers=AUDITOR
    )
    assert naive.status_code == 422
    assert naive.json()["detail"]["rule"] == "timezone-required"
    assert naive.json()["detail"]["field"] == "query.since"


def test_as_csv(given_a_trail_of_two_officers: TestClient) -> None:
    answer = given_a_trail_of_two_officers.get(
        "/audit", params={"actor": "officer-1", "format": "csv"}, headers=AUDITOR
    )
    assert answer.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(answer.text)))
    assert [r["entity"][-1] for r in rows] == ["1", "2"]
    assert json.loads(rows[0]["data"])["school_id"] == "school-a"


def test_export_as_json_lines_and_csv_carries_every_entry(
    given_a_trail_of_two_officers: TestClient,
) -> None:
    client = given_a_trail_of_two_officers
    jsonl = client.get("/audit/export", headers=AUDITOR)
    assert jsonl.headers["content-type"].startswith("application/x-ndjson")
    lines = [json.loads(line) for line in jsonl.text.splitlines()]
    assert [e["entity"][-1] for e in lines] == ["1", "2", "3"]
    assert lines[1]["prev_hash"] == lines[0]["hash"]
    exported_csv = client.get("/audit/export", params={"format": "csv"}, headers=AUDITOR)
    rows = list(csv.DictReader(io.StringIO(exported_csv.text)))
    assert [r["hash"] for r in rows] == [e["hash"] for e in lines]


def test_verify_and_head_over_http(given_a_trail_of_two_officers: TestClient) -> None:
    client = given_a_trail_of_two_officers
    report = client.get("/audit/verify", headers=AUDITOR).json()
    assert report["ok"] is True and report["entries"] == 3
    head = client.get("/audit/head", headers=AUDITOR).json()
    assert head == {"entries": 3, "hash": report["head"]}
