"""The disclosure service on the real stack: a routine and an urgent request reach Kafka."""

import json
from typing import Any

import httpx
import jsonschema
import pytest
from ssp_contracts import CloudEvent
from ssp_contracts.schemas import schema_path

from services.runtime.testing import PositionedClient, bearer, read_all, wait_for

pytestmark = pytest.mark.stack

TOPIC = "ssp.disclosure.events"
BOROUGH = "e2e-borough"
OFFICER = bearer("school_officer", "officer-e2e-1", school="school-e2e-1")
HEAD = bearer("head_teacher", "head-e2e-1", school="school-e2e-1")
DO = bearer("disclosure_officer", "do-e2e-1", borough=BOROUGH)
PURPOSE = "Robbery near the gates on Tuesday"
ROUTINE = {
    "requesting_body": "police",
    "requesting_officer": "PC 123 A. Officer",
    "subject_ref": "pupil-0123456789abcdef",
    "school_id": "school-e2e-1",
    "borough": BOROUGH,
    "urgency": "routine",
    "categories": ["offending_history"],
    "purpose": PURPOSE,
    "necessity": "Establishes who was in school",
    "lawful_basis": "cda_1998_s115",
}
URGENT = {
    "requesting_body": "police",
    "subject_ref": "pupil-00000000000000ab",
    "school_id": "school-e2e-1",
    "borough": BOROUGH,
    "urgency": "urgent",
    "urgent_reason": "pupil_missing",
    "categories": ["contact_details"],
    "purpose": "Missing since last night",
}
RELEASE = {
    "information_shared": "Attendance marks for the week",
    "recipient_body": "police",
    "recipient": "PC 123",
    "means": "secure_email",
}


def ok(response: httpx.Response) -> dict[str, Any]:
    assert response.status_code < 300, response.text
    body: dict[str, Any] = response.json()
    return body


def run_routine(api: PositionedClient) -> str:
    request_id = ok(api.post("/requests", json=ROUTINE, headers=OFFICER))["id"]
    read = api.get(
        f"/requests/{request_id}", params={"purpose": "disclosure_decision"}, headers=HEAD
    )
    content_hash = ok(read)["content_hash"]
    ok(
        api.post(
            f"/requests/{request_id}/countersignature",
            json={"content_hash": content_hash},
            headers=HEAD,
        )
    )
    decision = {"outcome": "disclose_full", "reasoning": "Necessary for the investigation"}
    ok(api.post(f"/requests/{request_id}/decision", json=decision, headers=DO))
    release = {**RELEASE, "categories_shared": ["offending_history"]}
    ok(api.post(f"/requests/{request_id}/release", json=release, headers=DO))
    ok(api.post(f"/requests/{request_id}/closure", json={}, headers=DO))
    return str(request_id)


def run_urgent(api: PositionedClient) -> str:
    request_id = ok(api.post("/requests", json=URGENT, headers=OFFICER))["id"]
    decision = {"outcome": "disclose_full", "reasoning": "Pupil at risk while missing"}
    ok(api.post(f"/requests/{request_id}/decision", json=decision, headers=DO))
    release = {**RELEASE, "categories_shared": ["contact_details"], "means": "telephone"}
    ok(api.post(f"/requests/{request_id}/release", json=release, headers=DO))
    return str(request_id)


def test_a_routine_and_an_urgent_request_on_the_real_stack(services: Any, fresh_db: Any) -> None:
    # Given the disclosure service on a fresh database
    disclosure = services("disclosure", SSP_DISCLOSURE_DB_NAME=fresh_db("disclosure"))

    # When a routine request runs to closure and an urgent one to release
    api = PositionedClient(disclosure.url)  # its queries wait for its own commands
    routine, urgent = run_routine(api), run_urgent(api)

    # Then the queue shows the urgent request still owing its written confirmation
    queue = api.get("/queue", params={"borough": BOROUGH}, headers=DO)
    [item] = ok_list(queue)
    assert (item["id"], item["next_step"]) == (urgent, "close")
    assert "written confirmation of the urgent request" in item["blockers"]

    # And the lists read from the register's table: the requester's own requests with their
    # status, and the head teacher's one request still owing her signature (urgent, unsigned)
    mine = ok_list(api.get("/requests/mine", headers=OFFICER))
    assert [(r["id"], r["status"]) for r in mine] == [(routine, "closed"), (urgent, "released")]
    [awaiting] = ok_list(api.get("/requests/awaiting-my-signature", headers=HEAD))
    assert (awaiting["id"], awaiting["signable"]) == (urgent, False)

    # And every step reached Kafka as a valid CloudEvent, in order, without personal details
    def ours() -> dict[str, list[CloudEvent]]:
        found: dict[str, list[CloudEvent]] = {routine: [], urgent: []}
        for record in read_all(TOPIC):
            event = CloudEvent.from_kafka(record.headers, record.value)
            if event.subject in found:
                found[event.subject].append(event)
        return found if (len(found[routine]), len(found[urgent])) == (5, 3) else {}

    found = wait_for(ours, timeout=30, what="both requests' events on Kafka")
    kinds = {rid: [e.type.split(".")[-2] for e in events] for rid, events in found.items()}
    assert kinds[routine] == [
        "request_submitted",
        "request_countersigned",
        "decision_recorded",
        "disclosure_released",
        "request_closed",
    ]
    assert kinds[urgent] == ["request_submitted", "decision_recorded", "disclosure_released"]
    for event in found[routine] + found[urgent]:
        jsonschema.validate(event.data, json.loads(schema_path(event.type).read_text()))
        assert event.source.startswith("/ssp/disclosure/") and event.actorid
        assert PURPOSE not in json.dumps(event.data)
    urgent_decision = found[urgent][1].data
    assert urgent_decision["urgency"] == "urgent" and urgent_decision["deadline_met"] is True
    assert [e.sequence for e in found[routine]] == [1, 2, 3, 4, 5]


def ok_list(response: httpx.Response) -> list[dict[str, Any]]:
    assert response.status_code == 200, response.text
    items: list[dict[str, Any]] = response.json()
    return items
