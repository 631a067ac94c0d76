"""Walking skeleton: an incident posted over HTTP reaches the audit trail through Kafka."""

import uuid
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest

from services.incidents.tests.staffing import publish_deployment
from services.runtime.pseudonyms import for_service
from services.runtime.testing import bearer, wait_for

pytestmark = pytest.mark.stack


def test_an_incident_travels_from_the_api_to_the_audit_trail(services: Any, fresh_db: Any) -> None:
    # Given the incidents and reporting services on their own fresh databases
    incidents = services("incidents", SSP_INCIDENTS_DB_NAME=fresh_db("incidents"))
    reporting = services(
        "reporting",
        SSP_REPORTING_DB_NAME=fresh_db("reporting"),
        SSP_REPORTING_CONSUMER_GROUP_SUFFIX=f".{uuid.uuid4().hex[:8]}",
    )
    officer = bearer("school_officer", "officer-ws-1", school="school-ws-1")
    # And staffing's event deploying the officer to the school, seen by incidents' view
    publish_deployment("officer-ws-1", ["school-ws-1"])
    wait_for(
        lambda: httpx.get(f"{incidents.url}/deployments", headers=officer).json(),
        timeout=30,
        what="the officer's deployment in the incidents service",
    )

    # When an officer records an incident
    response = httpx.post(
        f"{incidents.url}/incidents",
        json={
            "school_id": "school-ws-1",
            "occurred_at": datetime(2026, 11, 25, 10, 30, tzinfo=UTC).isoformat(),
            "location_kind": "premises",
            "category": "anti-social-behaviour",
            "came_to_notice": "officer_patrol",
            "description": "Graffiti on the sports hall",
            "pupil_refs": [],
        },
        headers=officer,
    )
    assert response.status_code == 201, response.text
    incident_id = response.json()["id"]

    # Then the auditor finds it in the audit trail, naming its actor, role, type and time
    def audit_entries() -> list[dict[str, Any]]:
        answer = httpx.get(
            f"{reporting.url}/audit",
            params={"entity": incident_id},
            headers=bearer("auditor", "auditor-ws-1"),
        )
        assert answer.status_code == 200, answer.text
        entries: list[dict[str, Any]] = answer.json()
        return entries

    entries = wait_for(audit_entries, timeout=60, what="the incident in the audit trail")
    assert len(entries) == 1
    entry = entries[0]
    assert entry["event_type"] == "uk.police.ssp.incidents.incident_reported.v2"
    # the actor as published: the pseudonym only incidents can resolve
    assert entry["actor_id"] == for_service("incidents").of("officer-ws-1")
    assert entry["actor_role"] == "school_officer"
    assert entry["entity"] == incident_id
    assert datetime.fromisoformat(entry["event_time"]).year >= 2026
