"""Consultations reach the audit trail through the relay and reporting; a pupil's chronology
gathers disclosure's requests from its topic (the services share the pupil's pseudonym).

Data Protection Act 2018 s62: the log of consultations is kept; here it is chained into the
tamper-evident audit trail like every other event, so it cannot be quietly edited either.
"""

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from services.disclosure.tests.api_helpers import ROUTINE
from services.incidents.tests.staffing import publish_deployment
from services.runtime.pseudonyms import for_service
from services.runtime.testing import bearer, wait_for

pytestmark = pytest.mark.stack
CONSULTED = "uk.police.ssp.incidents.personal_data_consulted.v1"
PUPIL = f"pupil-{uuid.uuid4().hex[:16]}"


def test_a_read_of_an_incident_is_in_the_audit_trail(services: Any, fresh_db: Any) -> None:
    # Given incidents, disclosure and reporting on fresh databases, an officer at a school
    incidents = services("incidents", SSP_INCIDENTS_DB_NAME=fresh_db("incidents"))
    disclosure = services("disclosure", SSP_DISCLOSURE_DB_NAME=fresh_db("disclosure"))
    reporting = services(
        "reporting",
        SSP_REPORTING_DB_NAME=fresh_db("reporting"),
        SSP_REPORTING_CONSUMER_GROUP_SUFFIX=f".{uuid.uuid4().hex[:8]}",
    )
    school = f"school-cl-{uuid.uuid4().hex[:6]}"
    officer = bearer("school_officer", "officer-cl-1", school=school)
    publish_deployment("officer-cl-1", [school])
    wait_for(
        lambda: httpx.get(f"{incidents.url}/deployments", headers=officer).json(),
        timeout=30,
        what="the officer's deployment in the incidents service",
    )
    body = {
        "school_id": school,
        "occurred_at": (datetime.now(UTC) - timedelta(hours=1)).isoformat(),
        "location_kind": "premises",
        "category": "anti-social-behaviour",
        "came_to_notice": "officer_patrol",
        "description": "Graffiti on the sports hall",
        "pupil_refs": [PUPIL],
    }
    incident_id = httpx.post(f"{incidents.url}/incidents", json=body, headers=officer).json()["id"]

    # When the head teacher reads it for safeguarding
    head = bearer("head_teacher", "head-cl-1", school=school)
    read = httpx.get(
        f"{incidents.url}/incidents/{incident_id}",
        params={"purpose": "safeguarding"},
        headers=head,
    )
    assert read.status_code == 200, read.text

    # Then the audit trail holds the consultation: who, when, why and what
    def consulted() -> list[dict[str, Any]]:
        answer = httpx.get(
            f"{reporting.url}/audit",
            # The trail knows actors by the pseudonym only incidents resolves.
            params={"type": CONSULTED, "actor": for_service("incidents").of("head-cl-1")},
            headers=bearer("auditor", "auditor-cl-1"),
        )
        assert answer.status_code == 200, answer.text
        return [e for e in answer.json() if e["data"]["record_id"] == incident_id]

    [entry] = wait_for(consulted, timeout=60, what="the consultation in the audit trail")
    assert entry["actor_role"] == "head_teacher"
    assert entry["data"]["purpose"] == "safeguarding"
    assert entry["data"]["record_kind"] == "incident"
    assert entry["data"]["school_id"] == school
    assert "Graffiti" not in str(entry)

    # And when a Section 115 request about the pupil is submitted at the school
    request = {**ROUTINE, "school_id": school, "subject_ref": PUPIL}
    submitted = httpx.post(f"{disclosure.url}/requests", json=request, headers=officer)
    assert submitted.status_code == 201, submitted.text

    # Then the pupil's chronology shows the incident and, from disclosure's topic, the request:
    # disclosure published the pupil under the pseudonym incidents holds the pupil under.
    def chronology() -> list[dict[str, Any]]:
        url = f"{incidents.url}/pupils/{PUPIL}/chronology"
        answer = httpx.get(url, params={"purpose": "safeguarding"}, headers=head)
        assert answer.status_code == 200, answer.text
        entries: list[dict[str, Any]] = answer.json()["entries"]
        return entries if len(entries) == 2 else []

    entries = wait_for(chronology, timeout=60, what="the request in the pupil's chronology")
    assert {(e["record_kind"], e["record_id"]) for e in entries} == {
        ("incident", incident_id),
        ("disclosure_request", submitted.json()["id"]),
    }
