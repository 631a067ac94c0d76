"""Officers act where deployed; staff for their own school; borough tokens in their borough."""

from typing import cast

from fastapi import FastAPI
from fastapi.testclient import TestClient
from ssp_contracts.events.staffing import DeploymentEnded

from services.incidents.tests.conftest import (
    OTHER_SCHOOL,
    SCHOOL,
    deployed,
    in_memory_deployments,
    incident_body,
    staff_headers,
)
from services.incidents.views.deployments import InMemoryDeployments
from services.runtime.testing import bearer


def view(client: TestClient) -> InMemoryDeployments:
    return in_memory_deployments(cast(FastAPI, client.app))


def test_an_officer_not_deployed_to_the_school_is_refused(client: TestClient) -> None:
    headers = bearer("school_officer", "officer-999")
    response = client.post("/incidents", json=incident_body(), headers=headers)
    assert response.status_code == 403
    assert response.json()["detail"]["rule"] == "officer-deployment"
    assert response.json()["detail"]["message"].startswith("officer officer-999 is not deployed")


def test_a_deployment_seen_on_the_staffing_topic_lets_the_officer_act(client: TestClient) -> None:
    # Given staffing deployed officer-777 to a cluster including SCHOOL
    view(client).apply(deployed("officer-777", (SCHOOL, OTHER_SCHOOL)))
    # When the officer reports incidents at both schools, they are recorded
    for school in (SCHOOL, OTHER_SCHOOL):
        body = incident_body(school_id=school)
        headers = bearer("school_officer", "officer-777")
        assert client.post("/incidents", json=body, headers=headers).status_code == 201


def test_an_ended_deployment_no_longer_lets_the_officer_act(client: TestClient) -> None:
    event = deployed("officer-555")
    view(client).apply(event)
    headers = bearer("school_officer", "officer-555")
    assert client.post("/incidents", json=incident_body(), headers=headers).status_code == 201
    view(client).apply(
        DeploymentEnded(
            deployment_id=event.deployment_id,
            officer_id="officer-555",
            school_ids=event.school_ids,
            ended_on=event.start_date,
            reason="transfer",
        )
    )
    refused = client.post("/incidents", json=incident_body(), headers=headers)
    assert refused.status_code == 403
    assert refused.json()["detail"]["rule"] == "officer-deployment"


def test_staff_of_another_school_cannot_read_the_incident(
    client: TestClient, given_reported_incident_via_api: str
) -> None:
    url = f"/incidents/{given_reported_incident_via_api}?purpose=case_management"
    assert client.get(url, headers=staff_headers()).status_code == 200
    # A record outside the caller's scope is not found: a 403 would confirm it exists there
    refused = client.get(url, headers=staff_headers(OTHER_SCHOOL))
    assert refused.status_code == 404


def test_lists_show_only_schools_in_scope(
    client: TestClient, given_reported_incident_via_api: str
) -> None:
    mine = client.get("/incidents", headers=staff_headers()).json()
    theirs = client.get("/incidents", headers=staff_headers(OTHER_SCHOOL)).json()
    assert [r["id"] for r in mine] == [given_reported_incident_via_api]
    assert theirs == []


def test_a_borough_supervisor_sees_only_schools_of_the_borough(
    client: TestClient, given_reported_incident_via_api: str
) -> None:
    waltham = bearer("borough_supervisor", "sup-1", borough="Waltham Forest")
    hackney = bearer("borough_supervisor", "sup-2", borough="Hackney")
    url = f"/incidents/{given_reported_incident_via_api}?purpose=case_management"
    assert client.get(url, headers=waltham).status_code == 200
    assert client.get(url, headers=hackney).status_code == 404


def test_a_borough_token_without_its_borough_sees_nothing(
    client: TestClient, given_reported_incident_via_api: str
) -> None:
    # Scope fails closed: no borough claim is not "every borough"
    unscoped = bearer("borough_supervisor", "sup-3")
    for path in (f"/incidents/{given_reported_incident_via_api}", "/incidents", "/searches"):
        refused = client.get(path, headers=unscoped)
        assert refused.status_code == 403, path
        assert refused.json()["detail"]["rule"] == "scope-claim-required"


def test_staff_hand_evidence_only_to_an_officer_deployed_to_the_school(
    client: TestClient, given_reported_incident_via_api: str
) -> None:
    seized = client.post(
        "/evidence",
        json={
            "incident_id": given_reported_incident_via_api,
            "kind": "electronic_device",
            "description": "Phone",
            "seized_at": incident_body()["occurred_at"],
        },
        headers=staff_headers(),
    )
    assert seized.status_code == 201, seized.text
    handover = {"officer_id": "officer-999", "handed_at": incident_body()["occurred_at"]}
    url = f"/evidence/{seized.json()['id']}/handover"
    refused = client.post(url, json=handover, headers=staff_headers())
    assert refused.status_code == 422
    assert refused.json()["detail"]["rule"] == "officer-deployment"
    ok = client.post(url, json={**handover, "officer_id": "officer-001"}, headers=staff_headers())
    assert ok.status_code == 200
