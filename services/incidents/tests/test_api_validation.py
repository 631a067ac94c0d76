"""Bad input gets a 4xx naming the field and the rule; nothing recorded changes."""

from fastapi.testclient import TestClient

from services.incidents.tests.conftest import incident_body, officer_headers, staff_headers
from services.incidents.tests.stories import search_body


def test_an_unknown_category_names_the_field(client: TestClient) -> None:
    response = client.post(
        "/incidents", json=incident_body(category="shouting"), headers=officer_headers()
    )
    assert response.status_code == 422
    assert response.json()["detail"]["field"] == "category"
    assert response.json()["detail"]["rule"] == "literal-error"


def test_a_time_without_timezone_is_refused_naming_the_rule(client: TestClient) -> None:
    body = incident_body(occurred_at="2026-11-25T10:30:00")
    response = client.post("/incidents", json=body, headers=officer_headers())
    assert response.status_code == 422
    assert response.json()["detail"] == {
        "rule": "timezone-required",
        "message": "occurred_at: must include a timezone",
        "field": "occurred_at",
    }


def test_a_search_with_an_unknown_legislation_is_refused(client: TestClient) -> None:
    body = search_body(legislation="Stop and account")
    response = client.post("/searches", json=body, headers=officer_headers())
    assert response.status_code == 422
    assert response.json()["detail"]["field"] == "legislation"
    assert response.json()["detail"]["rule"] == "literal-error"


def test_a_search_without_grounds_is_refused(client: TestClient) -> None:
    body = search_body()
    del body["grounds"]
    response = client.post("/searches", json=body, headers=officer_headers())
    assert response.status_code == 422
    assert response.json()["detail"]["field"] == "grounds"
    assert response.json()["detail"]["rule"] == "missing"


def test_a_conflict_is_409_and_leaves_the_record_as_it_was(
    client: TestClient, given_reported_incident_via_api: str
) -> None:
    url = f"/incidents/{given_reported_incident_via_api}"
    close = {"outcome": "local-resolution", "closed_at": incident_body()["occurred_at"]}
    assert client.post(f"{url}/closure", json=close, headers=officer_headers()).status_code == 200
    again = client.post(
        f"{url}/closure",
        json={**close, "outcome": "offender-given-caution"},
        headers=officer_headers(),
    )
    assert again.status_code == 409
    assert again.json()["detail"]["rule"] == "incident-closed"
    view = client.get(url, params={"purpose": "case_management"}, headers=staff_headers())
    assert view.json()["outcome"] == "local-resolution"


def test_an_unknown_incident_is_404(client: TestClient) -> None:
    url = "/incidents/00000000-0000-0000-0000-000000000001?purpose=case_management"
    assert client.get(url, headers=officer_headers()).status_code == 404
