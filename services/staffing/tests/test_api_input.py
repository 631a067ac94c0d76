"""Bad input gets a 4xx naming the field and the rule; nothing recorded is changed."""

from fastapi.testclient import TestClient

from services.staffing.tests.conftest import supervisor
from services.staffing.tests.test_permissions import SCHOOL


def test_a_name_cannot_pass_for_an_officer_id(client: TestClient) -> None:
    body = {
        "officer_id": "John Smith",
        "rank": "constable",
        "borough": "waltham-forest",
        "selection_panel": ["police"],
    }
    response = client.post("/officers", json=body, headers=supervisor())
    assert response.status_code == 422
    assert response.json()["detail"]["field"] == "officer_id"
    assert response.json()["detail"]["rule"] == "string-pattern-mismatch"


def test_ending_a_deployment_needs_a_known_reason(client: TestClient) -> None:
    client.post("/schools", json=SCHOOL, headers=supervisor())
    signed = {"signed_on": "2025-06-02", "head_teacher": "J. Head", "borough_commander": "C. Cdr"}
    assert client.post(
        "/schools/warwick-boys/protocol", json=signed, headers=supervisor()
    ).is_success
    officer = {
        "officer_id": "pc-1234",
        "rank": "constable",
        "borough": "waltham-forest",
        "selection_panel": ["police"],
    }
    client.post("/officers", json=officer, headers=supervisor())
    deployment = client.post(
        "/deployments",
        json={
            "officer_id": "pc-1234",
            "school_id": "warwick-boys",
            "share_percent": 100,
            "start_date": "2025-09-01",
        },
        headers=supervisor(),
    )
    assert deployment.status_code == 201, deployment.text
    url = f"/deployments/{deployment.json()['id']}/end"
    missing = client.post(url, json={"ended_on": "2026-07-20"}, headers=supervisor())
    assert missing.status_code == 422
    assert missing.json()["detail"]["field"] == "reason"
    assert missing.json()["detail"]["rule"] == "missing"
    # The rule answer names the rule and the field
    early = client.post(
        url, json={"ended_on": "2025-01-01", "reason": "transfer"}, headers=supervisor()
    )
    assert early.status_code == 422
    assert early.json()["detail"] == {
        "rule": "end-after-start",
        "message": "ended_on must not be before 2025-09-01",
        "field": "ended_on",
    }
    # And the deployment is still in force
    listed = client.get("/officers/pc-1234/deployments", headers=supervisor()).json()
    assert listed[0]["ended_on"] is None


def test_an_unknown_school_is_404(client: TestClient) -> None:
    response = client.get("/schools/nowhere", headers=supervisor())
    assert response.status_code == 404
    assert response.json()["detail"]["rule"] == "not-found"
