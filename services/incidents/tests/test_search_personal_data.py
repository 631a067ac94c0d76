"""The name or description of the person searched is returned only to roles allowed it."""

import pytest
from fastapi.testclient import TestClient

from services.incidents.permissions import PERMISSIONS
from services.incidents.tests.conftest import SCHOOL, officer_headers
from services.incidents.tests.stories import PERSON, search_body
from services.runtime.testing import bearer


@pytest.fixture
def given_recorded_search(client: TestClient) -> str:
    response = client.post("/searches", json=search_body(), headers=officer_headers())
    assert response.status_code == 201, response.text
    search_id: str = response.json()["id"]
    return search_id


def headers_of(role: str) -> dict[str, str]:
    school = SCHOOL if role in {"school_staff", "head_teacher", "school_officer"} else None
    sub = "officer-001" if role == "school_officer" else f"{role}-1"
    borough = "Waltham Forest" if role in {"borough_supervisor", "disclosure_officer"} else None
    return dict(bearer(role, sub, school=school, borough=borough))


def test_the_record_never_shows_the_person(client: TestClient, given_recorded_search: str) -> None:
    body = client.get(
        f"/searches/{given_recorded_search}?purpose=case_management", headers=headers_of("auditor")
    ).text
    assert PERSON not in body
    assert "knife in his bag" not in body


@pytest.mark.parametrize("role", sorted(PERMISSIONS["read_search"]))
def test_the_history_shows_the_person_only_to_roles_allowed(
    client: TestClient, given_recorded_search: str, role: str
) -> None:
    response = client.get(
        f"/searches/{given_recorded_search}/history?purpose=case_management",
        headers=headers_of(role),
    )
    assert response.status_code == 200, response.text
    assert (PERSON in response.text) == (role in PERMISSIONS["read_search_person"])


def test_the_head_teacher_reads_the_person(client: TestClient, given_recorded_search: str) -> None:
    response = client.get(
        f"/searches/{given_recorded_search}/person?purpose=safeguarding",
        headers=headers_of("head_teacher"),
    )
    assert response.json()["person"] == PERSON
