"""Refusals over HTTP: a clear 4xx naming the rule and the field; nothing recorded changes."""

import uuid

import pytest
from fastapi.testclient import TestClient

from services.disclosure.tests.api_helpers import (
    DO,
    HEAD,
    LA_SYSTEM,
    OFFICER,
    OTHER_DO,
    OTHER_HEAD,
    RELEASE,
    ROUTINE,
    signed,
    submitted,
)
from services.runtime.testing import bearer


def test_a_missing_pro_forma_field_is_a_422_naming_it(client: TestClient) -> None:
    body = {k: v for k, v in ROUTINE.items() if k != "necessity"}
    response = client.post("/requests", json=body, headers=OFFICER)
    assert response.status_code == 422
    assert response.json()["detail"]["field"] == "necessity"
    assert response.json()["detail"]["rule"] == "pro-forma-incomplete"


def test_an_unknown_category_is_a_422(client: TestClient) -> None:
    response = client.post(
        "/requests", json={**ROUTINE, "categories": ["shoe_size"]}, headers=OFFICER
    )
    assert response.status_code == 422
    assert response.json()["detail"]["field"] == "categories.0"
    assert response.json()["detail"]["rule"] == "literal-error"


def test_a_name_in_place_of_a_reference_is_a_422(client: TestClient) -> None:
    response = client.post(
        "/requests", json={**ROUTINE, "subject_ref": "John Smith"}, headers=OFFICER
    )
    assert response.status_code == 422
    assert response.json()["detail"]["field"] == "subject_ref"
    assert response.json()["detail"]["rule"] == "string-pattern-mismatch"


def test_a_caller_submits_only_for_their_own_kind_of_body(client: TestClient) -> None:
    response = client.post(
        "/requests", json={**ROUTINE, "requesting_body": "health"}, headers=OFFICER
    )
    assert response.status_code == 422
    assert response.json()["detail"]["field"] == "requesting_body"
    assert response.json()["detail"]["rule"] == "requesting-body-of-role"


def test_a_local_authority_system_submits_for_the_local_authority(client: TestClient) -> None:
    body = {**ROUTINE, "requesting_body": "local_authority"}
    assert client.post("/requests", json=body, headers=LA_SYSTEM).status_code == 201
    other_borough = {**body, "borough": "hackney"}
    refused = client.post("/requests", json=other_borough, headers=LA_SYSTEM)
    assert refused.status_code == 403
    assert refused.json()["detail"]["rule"] == "outside-scope"


def test_an_officer_submits_only_for_their_own_school(client: TestClient) -> None:
    response = client.post("/requests", json={**ROUTINE, "school_id": "school-2"}, headers=OFFICER)
    assert response.status_code == 403
    assert response.json()["detail"]["rule"] == "outside-scope"


def test_the_wrong_head_teacher_cannot_sign(client: TestClient) -> None:
    request_id = submitted(client)
    content_hash = client.get(
        f"/requests/{request_id}?purpose=case_management", headers=HEAD
    ).json()["content_hash"]
    response = client.post(
        f"/requests/{request_id}/countersignature",
        json={"content_hash": content_hash},
        headers=OTHER_HEAD,
    )
    assert response.status_code == 403
    assert response.json()["detail"]["rule"] == "signatory-not-head-of-school"
    assert (
        client.get(f"/requests/{request_id}?purpose=case_management", headers=HEAD).json()[
            "countersigned_by"
        ]
        is None
    )


def test_release_before_decision_is_a_409(client: TestClient) -> None:
    request_id = submitted(client)
    signed(client, request_id)
    response = client.post(f"/requests/{request_id}/release", json=RELEASE, headers=DO)
    assert response.status_code == 409
    assert response.json()["detail"]["rule"] == "release-before-decision"


def test_a_disclosure_officer_of_another_borough_cannot_decide(client: TestClient) -> None:
    request_id = submitted(client)
    signed(client, request_id)
    body = {"outcome": "refuse", "reasoning": "Not necessary"}
    response = client.post(f"/requests/{request_id}/decision", json=body, headers=OTHER_DO)
    assert response.status_code == 403
    assert response.json()["detail"]["field"] == "borough"
    assert response.json()["detail"]["rule"] == "not-disclosure-officer-of-borough"


def test_requests_are_read_only_by_those_concerned(client: TestClient) -> None:
    request_id = submitted(client)
    stranger = bearer("school_officer", "officer-9", school="school-1")
    # Outside the caller's scope a request is not found, exactly as an unknown id: a 403
    # naming its school would tell a stranger that the request exists
    for outsider in (stranger, OTHER_HEAD, OTHER_DO):
        refused = client.get(f"/requests/{request_id}?purpose=case_management", headers=outsider)
        assert refused.status_code == 404
        assert (
            refused.json()
            == client.get(
                f"/requests/{uuid.uuid4()}?purpose=case_management", headers=outsider
            ).json()
        )
    assert (
        client.get(f"/requests/{request_id}?purpose=case_management", headers=DO).status_code == 200
    )


def test_a_queue_is_read_only_within_its_borough(client: TestClient) -> None:
    response = client.get("/queue", params={"borough": "waltham-forest"}, headers=OTHER_DO)
    assert response.status_code == 403
    unscoped = bearer("disclosure_officer", "do-3")
    refused = client.get("/queue", params={"borough": "hackney"}, headers=unscoped)
    assert refused.status_code == 403
    assert refused.json()["detail"]["rule"] == "scope-claim-required"


def test_an_unknown_request_is_a_404(client: TestClient) -> None:
    response = client.get(
        "/requests/00000000-0000-0000-0000-000000000001?purpose=case_management", headers=DO
    )
    assert response.status_code == 404


def test_a_refusal_by_the_protocol_is_logged(
    client: TestClient, caplog: pytest.LogCaptureFixture
) -> None:
    request_id = submitted(client)
    signed(client, request_id)
    body = {"outcome": "refuse", "reasoning": "Not necessary"}
    with caplog.at_level("WARNING", logger="ssp.auth"):
        client.post(f"/requests/{request_id}/decision", json=body, headers=OTHER_DO)
    [record] = [r for r in caplog.records if r.name == "ssp.auth"]
    assert getattr(record, "rule", None) == "not-disclosure-officer-of-borough"
    assert getattr(record, "actor", None) == "do-2"
