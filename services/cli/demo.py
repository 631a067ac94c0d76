"""The main job. For now the walking skeleton: an incident travels to the audit trail."""

import argparse
import time
from datetime import UTC, datetime

import httpx

from services.cli.launcher import ensure_running
from services.incidents.tests.staffing import publish_deployment
from services.runtime.auth import issue_token
from services.runtime.keys import jwt_secret
from services.runtime.settings import shared


def _token(role: str, sub: str, school: str | None = None) -> dict[str, str]:
    secret = jwt_secret(shared("JWT_SECRET", ""))
    return {"Authorization": f"Bearer {issue_token(secret, sub=sub, role=role, school=school)}"}


def run_demo(args: argparse.Namespace) -> int:
    """Bring the services up, record an incident, and show it in the audit trail."""
    urls = ensure_running(["incidents", "reporting"])
    officer = _token("school_officer", "officer-0001", school="school-001")
    # The officer must be deployed to the school: incidents learns it from staffing's events.
    publish_deployment("officer-0001", ["school-001"])
    deadline = time.monotonic() + 60
    while not httpx.get(f"{urls['incidents']}/deployments", headers=officer).json():
        if time.monotonic() > deadline:
            print("the officer's deployment did not reach the incidents service within 60 s")
            return 1
        time.sleep(0.5)
    auditor = _token("auditor", "auditor-0001")
    body = {
        "school_id": "school-001",
        "occurred_at": datetime.now(UTC).isoformat(),
        "location_kind": "premises",
        "category": "anti-social-behaviour",
        "came_to_notice": "officer_patrol",
        "description": "Walking skeleton incident",
        "pupil_refs": [],
    }
    response = httpx.post(f"{urls['incidents']}/incidents", json=body, headers=officer)
    response.raise_for_status()
    incident_id = response.json()["id"]
    print(f"recorded incident {incident_id}")
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        entries = httpx.get(
            f"{urls['reporting']}/audit", params={"entity": incident_id}, headers=auditor
        ).json()
        if entries:
            entry = entries[0]
            print(
                f"audit: {entry['event_type']} by {entry['actor_id']} ({entry['actor_role']})"
                f" at {entry['event_time']}"
            )
            for service, url in urls.items():
                print(f"{service}: {url}/docs  {url}/metrics")
            return 0
        time.sleep(0.5)
    print("the incident did not reach the audit trail within 60 s")
    return 1
