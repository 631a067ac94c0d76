"""Read-your-writes headers: a command's SSP-Position, a query's SSP-Min-Position."""

import uuid

import pytest
from fastapi.testclient import TestClient

from services.incidents.main import create_app
from services.runtime.domain import RuleViolation
from services.runtime.positions import MIN_POSITION_HEADER, POSITION_HEADER, parse_min_position
from services.runtime.settings import ServiceSettings
from services.runtime.testing import bearer

STORE = uuid.UUID("8d1c2f0e-7a55-4c8e-9f37-2b8a1d6c0e11")
STAFF = bearer("school_staff", "staff-1", school="school-001")
AUDITOR = bearer("auditor", "auditor-1")
INCIDENT = {
    "school_id": "school-001",
    "occurred_at": "2026-11-02T10:30:00+00:00",
    "location_kind": "premises",
    "category": "bullying",
    "came_to_notice": "reported_by_staff",
    "description": "Name-calling in the corridor",
    "pupil_refs": [],
}


def test_a_position_names_the_store_and_the_notification() -> None:
    assert parse_min_position(f"{STORE}:42", STORE) == 42
    assert parse_min_position(f"{str(STORE).upper()}:7", STORE) == 7


@pytest.mark.parametrize(
    "value", ["42", f"{STORE}", f"{STORE}:", f"{STORE}:-1", "x:1", f"{STORE}:1\n"]
)
def test_a_malformed_position_is_refused_naming_the_header(value: str) -> None:
    with pytest.raises(RuleViolation) as refused:
        parse_min_position(value, STORE)
    assert refused.value.rule == "min-position-format"
    assert refused.value.field == f"header.{MIN_POSITION_HEADER}"


def test_a_position_of_another_store_is_refused() -> None:
    with pytest.raises(RuleViolation) as refused:
        parse_min_position(f"{uuid.uuid4()}:1", STORE)
    assert refused.value.rule == "min-position-store"


def test_a_command_answers_its_position_and_a_query_accepts_it() -> None:
    app = create_app(ServiceSettings.for_service("incidents", in_memory=True))
    with TestClient(app) as client:
        first = client.post("/incidents", json=INCIDENT, headers=STAFF)
        second = client.post("/incidents", json=INCIDENT, headers=STAFF)
        assert first.status_code == second.status_code == 201, first.text
        store, position = second.headers[POSITION_HEADER].split(":")
        assert store == first.headers[POSITION_HEADER].split(":")[0]
        assert int(position) > int(first.headers[POSITION_HEADER].split(":")[1])
        wait = {MIN_POSITION_HEADER: second.headers[POSITION_HEADER]}
        listed = client.get("/incidents", headers={**AUDITOR, **wait})
        assert listed.status_code == 200
        assert {r["id"] for r in listed.json()} == {first.json()["id"], second.json()["id"]}
        # A query stores nothing, so it names no position.
        assert POSITION_HEADER not in listed.headers


def test_a_malformed_min_position_is_a_422_naming_the_header() -> None:
    app = create_app(ServiceSettings.for_service("incidents", in_memory=True))
    with TestClient(app) as client:
        answer = client.get("/incidents", headers={**AUDITOR, MIN_POSITION_HEADER: "soon"})
    assert answer.status_code == 422
    detail = answer.json()["detail"]
    assert (detail["rule"], detail["field"]) == ("min-position-format", "header.SSP-Min-Position")
