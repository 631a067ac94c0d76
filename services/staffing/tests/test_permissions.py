"""Staffing's scopes hold (the permission matrix itself is walked for every service in
tests/security/test_permission_matrix.py)."""

from fastapi.testclient import TestClient

from services.runtime.testing import bearer, refusal_rule
from services.staffing.tests.conftest import supervisor

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
    assert refusal_rule(refused) == "outside-scope"
    # A supervisor token that names no borough cannot manage at all
    unscoped = client.post("/schools", json=SCHOOL, headers=bearer("borough_supervisor", "s"))
    assert unscoped.status_code == 403
    assert refusal_rule(unscoped) == "scope-claim-required"
    # Nor can the Camden supervisor list another borough's schools
    client.post("/schools", json=SCHOOL, headers=supervisor())
    listing = client.get("/schools?borough=waltham-forest", headers=supervisor("camden"))
    assert listing.status_code == 403
    assert refusal_rule(listing) == "outside-scope"
    assert client.get("/schools", headers=supervisor("camden")).json() == []


def test_school_roles_see_only_their_own_school(client: TestClient) -> None:
    client.post("/schools", json=SCHOOL, headers=supervisor())
    own = bearer("head_teacher", "head-1", school="warwick-boys")
    other = bearer("school_staff", "staff-1", school="chase-lane")
    assert client.get("/schools/warwick-boys", headers=own).status_code == 200
    assert client.get("/schools/warwick-boys/absences", headers=own).status_code == 200
    for path in ("/schools/warwick-boys", "/schools/warwick-boys/absences"):
        refused = client.get(path, headers=other)
        assert refused.status_code == 403
        assert refusal_rule(refused) == "outside-scope"


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
    assert refused.status_code == 403 and refusal_rule(refused) == "outside-scope"
    assert "own record" in refused.json()["detail"]["message"]
