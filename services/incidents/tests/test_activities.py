"""The officer's educational and preventive work, recorded as events that count as outputs.

Source (Report ¶12): "These are just a few examples of the activities that SSP officers are
engaged in on a daily basis. They include several different roles such as educational
support, crime prevention advice, diversionary activities, advisory support and not just the
traditional enforcement role of police officers."
"""

from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient
from ssp_contracts.events.incidents import ActivityRecorded

from services.incidents.tests.conftest import (
    OFFICER,
    OTHER_SCHOOL,
    SCHOOL,
    at,
    deployed,
    in_memory_deployments,
    officer_headers,
    staff_headers,
)
from services.incidents.translation import translator
from services.runtime.testing import bearer


def lesson(**overrides: Any) -> dict[str, Any]:
    """A valid POST /activities body: a citizenship lesson yesterday."""
    return {
        "school_id": SCHOOL,
        "kind": "lesson",
        "started_at": at(1, 11).isoformat(),
        "minutes": 50,
        "pupils_reached": 28,
        "summary": "Year 9 citizenship: knife crime and the law",
        **overrides,
    }


def record(client: TestClient, **overrides: Any) -> str:
    response = client.post("/activities", json=lesson(**overrides), headers=officer_headers())
    assert response.status_code == 201, response.text
    activity_id: str = response.json()["id"]
    return activity_id


def test_an_officer_records_a_lesson_and_the_school_reads_it(client: TestClient) -> None:
    activity_id = record(client)
    read = client.get(f"/activities/{activity_id}", headers=staff_headers()).json()
    assert (read["kind"], read["officer_id"], read["minutes"], read["withdrawn"]) == (
        "lesson", OFFICER, 50, None,
    )  # fmt: skip


def test_work_with_partners_names_the_agency(client: TestClient) -> None:
    """Source (Report ¶11): "Officers have worked with the educational welfare officer with
    home visits to persistent truants"; a home visit or multi-agency meeting names its
    partners."""
    for kind in ("home_visit", "multi_agency_meeting"):
        refused = client.post(
            "/activities", json=lesson(kind=kind, partners=[]), headers=officer_headers()
        )
        assert refused.status_code == 422
        assert refused.json()["detail"]["rule"] == "activity-partners"
        assert refused.json()["detail"]["field"] == "partners"
    activity_id = record(
        client, kind="home_visit", partners=["education_welfare_officer"], pupils_reached=1
    )
    read = client.get(f"/activities/{activity_id}", headers=officer_headers()).json()
    assert read["partners"] == ["education_welfare_officer"]


def test_only_a_deployed_officer_records_and_only_for_that_school(client: TestClient) -> None:
    wrong_school = client.post(
        "/activities", json=lesson(school_id=OTHER_SCHOOL), headers=officer_headers()
    )
    assert (wrong_school.status_code, wrong_school.json()["detail"]["rule"]) == (
        403, "officer-deployment",
    )  # fmt: skip
    by_staff = client.post("/activities", json=lesson(), headers=staff_headers())
    assert by_staff.status_code == 403
    future = client.post(
        "/activities", json=lesson(started_at=at(-2).isoformat()), headers=officer_headers()
    )
    assert (future.status_code, future.json()["detail"]["rule"]) == (422, "not-in-future")


def test_a_school_outside_scope_cannot_read_it(client: TestClient) -> None:
    activity_id = record(client)
    other = client.get(f"/activities/{activity_id}", headers=staff_headers(OTHER_SCHOOL))
    assert other.status_code == 404


def test_withdrawal_by_the_recording_officer_only_and_once(client: TestClient) -> None:
    activity_id = record(client)
    assert isinstance(client.app, FastAPI)
    in_memory_deployments(client.app).apply(deployed("officer-002"))
    colleague = dict(bearer("school_officer", "officer-002", school=SCHOOL))
    body = {"reason": "duplicate"}
    refused = client.post(f"/activities/{activity_id}/withdrawal", json=body, headers=colleague)
    assert (refused.status_code, refused.json()["detail"]["rule"]) == (403, "activity-own")
    url = f"/activities/{activity_id}/withdrawal"
    assert client.post(url, json=body, headers=officer_headers()).status_code == 200
    again = client.post(url, json=body, headers=officer_headers())
    assert (again.status_code, again.json()["detail"]["rule"]) == (409, "activity-withdrawn")
    history = client.get(f"/activities/{activity_id}/history", headers=officer_headers()).json()
    assert [h["event"] for h in history] == ["Activity.Recorded", "Activity.Withdrawn"]


def test_the_summary_stays_in_the_service(client: TestClient) -> None:
    """Free text never reaches Kafka: the published contract has kind, time and counts."""
    activity_id = record(client)
    history = client.get(f"/activities/{activity_id}/history", headers=officer_headers()).json()
    assert history[0]["data"]["summary"].startswith("Year 9")
    assert "summary" not in ActivityRecorded.model_fields
    assert ActivityRecorded in translator.contracts()
