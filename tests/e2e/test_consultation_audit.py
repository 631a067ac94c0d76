"""A consultation of personal data reaches the audit trail through the relay and reporting.

Data Protection Act 2018 s62: the log of consultations is kept; here it is chained into the
tamper-evident audit trail like every other event, so it cannot be quietly edited either.
"""

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from services.incidents.tests.staffing import publish_deployment
from services.runtime.testing import bearer, wait_for

pytestmark = pytest.mark.stack
CONSULTED = "uk.police.ssp.incidents.personal_data_consulted.v1"


def test_a_read_of_an_incident_is_in_the_audit_trail(services: Any, fresh_db: Any) -> None:
    # Given incidents and reporting on fresh databases, and an officer deployed to a school
    incidents = services("incidents", SSP_INCIDENTS_DB_NAME=fresh_db("incidents"))
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
        "pupil_refs": [],
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
            params={"type": CONSULTED, "actor": "head-cl-1"},
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
