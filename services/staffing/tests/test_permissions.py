"""Every endpoint with every role: the permission table is what the API enforces; scopes hold."""

import pytest
from fastapi.testclient import TestClient

from services.runtime.auth import ROLES
from services.runtime.testing import bearer, guarded_routes, role_refused
from services.staffing.permissions import PERMISSIONS
from services.staffing.tests.conftest import supervisor

PLACEHOLDERS = {
    "{school_id}": "warwick-boys",
    "{officer_id}": "pc-1234",
    "{deployment_id}": "00000000-0000-0000-0000-000000000000",
    "{borough}": "waltham-forest",
    "{term}": "2025-autumn",
    "{day}": "2025-09-10",
    "{kind}": "schools",
}


def url_of(path: str) -> str:
    for placeholder, value in PLACEHOLDERS.items():
        path = path.replace(placeholder, value)
    return path


def test_every_action_in_the_table_guards_an_endpoint(client: TestClient) -> None:
    actions = {action for _, _, action in guarded_routes(client.app)}
    assert actions == set(PERMISSIONS)


@pytest.mark.parametrize("role", ROLES)
def test_each_role_is_refused_exactly_where_the_table_says(client: TestClient, role: str) -> None:
    routes = guarded_routes(client.app)
    assert len(routes) >= 20
    for method, path, action in routes:
        headers = bearer(role, f"{role}-1", school="warwick-boys", borough="waltham-forest")
        response = client.request(method, url_of(path), headers=headers, json={})
        assert role_refused(response) == (role not in PERMISSIONS[action]), (method, path, role)


def test_a_call_without_a_token_is_401(client: TestClient) -> None:
    for method, path, _ in guarded_routes(client.app):
        response = client.request(method, url_of(path), json={})
        assert response.status_code == 401, (method, path)
        assert "bearer token" in response.json()["detail"]


SCHOOL = {
    "school_id": "warwick-boys",
    "name": "Warwick School for Boys",
    "borough": "waltham-forest",
    "phase": "secondary",
    "pupil_count": 950,
    "programme": "safer_schools_partnership",
}


def test_a_supervisor_manages_only_their_own_borough(client: TestClient) -> None:
    # A Camden supervisor cannot register a Waltham Forest school
    refused = client.post("/schools", json=SCHOOL, headers=supervisor("camden"))
    assert refused.status_code == 403
    assert refused.json()["detail"].startswith("scope:")
    # A supervisor token that names no borough cannot manage at all
    unscoped = client.post("/schools", json=SCHOOL, headers=bearer("borough_supervisor", "s"))
    assert unscoped.status_code == 403
    # Nor can the Camden supervisor list another borough's schools
    client.post("/schools", json=SCHOOL, headers=supervisor())
    listing = client.get("/schools?borough=waltham-forest", headers=supervisor("camden"))
    assert listing.status_code == 403
    assert client.get("/schools", headers=supervisor("camden")).json() == []


def test_school_roles_see_only_their_own_school(client: TestClient) -> None:
    client.post("/schools", json=SCHOOL, headers=supervisor())
    own = bearer("head_teacher", "head-1", school="warwick-boys")
    other = bearer("school_staff", "staff-1", school="chase-lane")
    assert client.get("/schools/warwick-boys", headers=own).status_code == 200
    assert client.get("/schools/warwick-boys/absences", headers=own).status_code == 200
    assert client.get("/schools/warwick-boys", headers=other).status_code == 403
    assert client.get("/schools/warwick-boys/absences", headers=other).status_code == 403


def test_an_officer_sees_only_their_own_record(client: TestClient) -> None:
    officer = {
        "officer_id": "pc-1234",
        "rank": "constable",
        "borough": "waltham-forest",
        "selection_panel": ["police", "school"],
    }
    assert client.post("/officers", json=officer, headers=supervisor()).status_code == 201
    me = bearer("school_officer", "pc-1234", school="warwick-boys")
    someone_else = bearer("school_officer", "pc-9999", school="warwick-boys")
    assert client.get("/officers/pc-1234", headers=me).status_code == 200
    refused = client.get("/officers/pc-1234", headers=someone_else)
    assert refused.status_code == 403 and "own record" in refused.json()["detail"]
