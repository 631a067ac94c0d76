"""Inputs that once stopped the pipeline or caused a 5xx: each gets a 4xx naming field and rule.

The table runs in-process over every service's app (in-memory stores), checks the answer's
shape and that nothing was stored; the stack test sends the worst of them to real services
and proves the outbox relay keeps running and a later event still reaches Kafka.
"""

import dataclasses
import json
import uuid
from collections.abc import Iterator, Mapping
from datetime import UTC, datetime, timedelta
from typing import Any, cast

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from services.disclosure.main import create_app as disclosure_app
from services.incidents.main import create_app as incidents_app
from services.incidents.tests.conftest import (
    SCHOOL,
    deployed,
    in_memory_deployments,
    incident_body,
    officer_headers,
)
from services.incidents.tests.stories import search_body
from services.runtime.settings import ServiceSettings
from services.runtime.testing import bearer, read_all, wait_for
from services.runtime.topic_ends import end_offsets
from services.staffing.main import create_app as staffing_app

HEAD = bearer("head_teacher", "head-1", school=SCHOOL)
AUDITOR = bearer("auditor", "auditor-1")
DISCLOSURE_OFFICER = bearer("disclosure_officer", "do-1", borough="hackney")
SUPERVISOR = bearer("borough_supervisor", "sgt-1", borough="hackney")
COUNTS = {
    "bullying_incidents": 3,
    "unauthorised_absence_sessions": 40,
    "fixed_term_exclusions": 1,
    "permanent_exclusions": 0,
}
NAIVE = "2026-01-05T09:00:00"


def yesterday() -> str:
    """A recent, timezone-aware moment."""
    return (datetime.now(UTC) - timedelta(days=1)).replace(microsecond=0).isoformat()


def decision(withheld: int) -> dict[str, Any]:
    """A partial disclosure withholding ``withheld`` categories."""
    return {
        "outcome": "disclose_part",
        "reasoning": "Only what is necessary",
        "withheld_categories": ["health"] * withheld,
        "withheld_reason": "Not needed for the purpose",
    }


@dataclasses.dataclass(frozen=True)
class Case:
    """One bad request and the refusal it must get."""

    name: str
    service: str
    method: str
    path: str
    headers: Mapping[str, str]
    rule: str
    field: str | None
    status: int = 422
    json: Any = None
    params: dict[str, str] = dataclasses.field(default_factory=dict)


def search_in_year_one() -> dict[str, Any]:
    """A search dated in year 1 (it once made the stop-and-search export answer 500)."""
    body = search_body()
    body["searched_at"] = "0001-01-01T10:00:00Z"
    return body


CASES = [
    Case(
        "indicators term with a trailing newline",
        "incidents",
        "POST",
        f"/schools/{SCHOOL}/indicators/2025-autumn%0A",
        HEAD,
        "string-pattern-mismatch",
        "path.term",
        json={"counts": COUNTS, "submitted_at": yesterday()},
    ),
    Case(
        "protocol hours with a UTC offset",
        "incidents",
        "PUT",
        f"/schools/{SCHOOL}/protocol-hours",
        HEAD,
        "offset-not-allowed",
        "starts",
        json={"starts": "08:00:00Z", "ends": "16:00:00Z"},
    ),
    Case(
        "search dated in year 1",
        "incidents",
        "POST",
        "/searches",
        officer_headers(),
        "date-out-of-range",
        "searched_at",
        json=search_in_year_one(),
    ),
    Case(
        "naive since in the export",
        "incidents",
        "GET",
        "/searches/export.csv",
        AUDITOR,
        "timezone-required",
        "query.since",
        params={"since": NAIVE, "purpose": "statistics"},
    ),
    Case(
        "naive until in the export",
        "incidents",
        "GET",
        "/searches/export.csv",
        AUDITOR,
        "timezone-required",
        "query.until",
        params={"until": NAIVE, "purpose": "statistics"},
    ),
    Case(
        "NUL in an evidence disposal reference",
        "incidents",
        "POST",
        "/evidence/{item}/disposal",
        officer_headers(),
        "control-character",
        "reference",
        json={"transfer": "booked_in", "reference": "PR\x00-1", "at": yesterday()},
    ),
    Case(
        "body over the limit",
        "incidents",
        "POST",
        "/incidents",
        officer_headers(),
        "body-too-large",
        None,
        status=413,
        json=incident_body(description="x" * (1 << 20)),
    ),
    Case(
        "naive at in the work queue",
        "disclosure",
        "GET",
        "/queue",
        DISCLOSURE_OFFICER,
        "timezone-required",
        "query.at",
        params={"borough": "hackney", "at": NAIVE},
    ),
    Case(
        "a decision withholding 1,000 categories",
        "disclosure",
        "POST",
        f"/requests/{uuid.uuid4()}/decision",
        DISCLOSURE_OFFICER,
        "too-long",
        "withheld_categories",
        json=decision(1000),
    ),
    Case(
        "a decision withholding 130,000 categories",
        "disclosure",
        "POST",
        f"/requests/{uuid.uuid4()}/decision",
        DISCLOSURE_OFFICER,
        "body-too-large",
        None,
        status=413,
        json=decision(130_000),
    ),
    Case(
        "deployments ending from the edge of the calendar",
        "staffing",
        "GET",
        "/deployments/ending",
        SUPERVISOR,
        "date-out-of-range",
        "query.on",
        params={"on": "9999-12-01"},
    ),
    Case(
        "overdue reviews judged on the edge of the calendar",
        "staffing",
        "GET",
        "/reviews/overdue",
        SUPERVISOR,
        "date-out-of-range",
        "query.on",
        params={"on": "9999-12-01"},
    ),
]

FACTORIES = {"incidents": incidents_app, "disclosure": disclosure_app, "staffing": staffing_app}


@pytest.fixture(scope="module")
def clients() -> Iterator[dict[str, TestClient]]:
    """Every service with a store, in memory; the officer deployed to SCHOOL."""
    opened = {}
    for name, factory in FACTORIES.items():
        client = TestClient(factory(ServiceSettings.for_service(name, in_memory=True)))
        opened[name] = client.__enter__()
    in_memory_deployments(cast(FastAPI, opened["incidents"].app)).apply(deployed())
    yield opened
    for client in opened.values():
        client.__exit__(None, None, None)


@pytest.fixture(scope="module")
def evidence_item(clients: dict[str, TestClient]) -> str:
    """An item the deployed officer seized."""
    api = clients["incidents"]
    incident = api.post("/incidents", json=incident_body(), headers=officer_headers())
    assert incident.status_code == 201, incident.text
    body = {
        "incident_id": incident.json()["id"],
        "kind": "drugs",
        "description": "Wraps in a bag",
        "seized_at": yesterday(),
    }
    item = api.post("/evidence", json=body, headers=officer_headers())
    assert item.status_code == 201, item.text
    item_id: str = item.json()["id"]
    return item_id


def stored(client: TestClient) -> int:
    """How many events the service's store holds."""
    return int(cast(FastAPI, client.app).state.ssp.application.recorder.max_notification_id() or 0)


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_bad_input_is_refused_naming_field_and_rule(
    case: Case, clients: dict[str, TestClient], evidence_item: str
) -> None:
    client = clients[case.service]
    before = stored(client)
    response = client.request(
        case.method,
        case.path.format(item=evidence_item),
        json=case.json,
        params=case.params,
        headers=case.headers,
    )
    assert response.status_code == case.status, response.text
    detail = response.json()["detail"]
    assert set(detail) == {"rule", "message", "field"}
    assert (detail["rule"], detail["field"]) == (case.rule, case.field)
    assert detail["message"]
    assert stored(client) == before


def test_after_the_bad_inputs_the_same_school_works_as_before(
    clients: dict[str, TestClient], evidence_item: str
) -> None:
    api = clients["incidents"]
    for case in CASES:
        if case.service == "incidents":
            path = case.path.format(item=evidence_item)
            api.request(case.method, path, json=case.json, headers=case.headers)
    reported = api.post("/incidents", json=incident_body(), headers=officer_headers())
    assert reported.status_code == 201, reported.text
    export = api.get("/searches/export.csv?purpose=statistics", headers=AUDITOR)
    assert export.status_code == 200, export.text


@pytest.mark.stack
def test_on_the_real_stack_the_relay_keeps_running_and_later_events_reach_kafka(
    services: Any, fresh_db: Any
) -> None:
    school = f"school-door-{uuid.uuid4().hex[:6]}"
    head = bearer("head_teacher", "head-door", school=school)
    incidents = services("incidents", SSP_INCIDENTS_DB_NAME=fresh_db("incidents"))
    reporting = services(
        "reporting",
        SSP_REPORTING_DB_NAME=fresh_db("reporting"),
        SSP_REPORTING_PROJECTIONS_ENABLED="false",
    )
    api = httpx.Client(base_url=incidents.url, timeout=10)
    submission = {"counts": COUNTS, "submitted_at": yesterday()}
    topic = "ssp.incidents.events"
    start = end_offsets(ServiceSettings.for_service("incidents").kafka_bootstrap, [topic])

    refusals = [
        api.post(f"/schools/{school}/indicators/2025-autumn%0A", json=submission, headers=head),
        api.put(
            f"/schools/{school}/protocol-hours",
            json={"starts": "08:00:00Z", "ends": "16:00:00Z"},
            headers=head,
        ),
        api.post(
            f"/schools/{school}/indicators/2025-spring",
            content=b'{"counts": "' + b"x" * (2 << 20) + b'"}',
            headers={**head, "content-type": "application/json"},
        ),
        httpx.get(f"{reporting.url}/audit", params={"since": NAIVE}, headers=AUDITOR),
        httpx.get(
            f"{reporting.url}/audit", params={"until": "0001-01-01T00:00:00Z"}, headers=AUDITOR
        ),
    ]
    for response in refusals:
        assert 400 <= response.status_code < 500, response.text
        assert set(response.json()["detail"]) == {"rule", "message", "field"}

    # The relay is still publishing (the state /readyz reports; a stall would name its event)
    wait_for(
        lambda: api.get("/readyz").json()["pipeline"]["outbox-relay"] == "running",
        timeout=30,
        what="the relay running",
    )

    accepted = api.post(f"/schools/{school}/indicators/2025-autumn", json=submission, headers=head)
    assert accepted.status_code == 201, accepted.text
    record = accepted.json()["id"]
    wait_for(
        lambda: [r for r in read_all(topic, start) if r.key == record.encode()],
        timeout=30,
        what="the later indicators event on Kafka",
    )
    assert api.get("/readyz").json()["pipeline"]["outbox-relay"] == "running"
    # Nothing of the refused commands was stored: the school's only event is the accepted one.
    of_school = [
        r for r in read_all(topic, start) if json.loads(r.value).get("school_id") == school
    ]
    assert [r.key for r in of_school] == [record.encode()]
