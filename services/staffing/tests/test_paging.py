"""Staffing's school list pages by school id through the runtime's paging (limit, cursor)."""

from fastapi.testclient import TestClient

from services.runtime.paging import NEXT_HEADER
from services.runtime.testing import refusal_rule
from services.staffing.tests.conftest import supervisor
from services.staffing.tests.test_permissions import SCHOOL


def test_schools_page_by_id_and_every_school_is_listed_once(client: TestClient) -> None:
    ids = [f"school-{n}" for n in (3, 1, 4, 2, 5)]
    for school_id in ids:
        made = client.post(
            "/schools", json={**SCHOOL, "school_id": school_id}, headers=supervisor()
        )
        assert made.status_code == 201, made.text
    found, params = [], {"limit": "2"}
    while True:
        page = client.get("/schools", params=params, headers=supervisor())
        assert page.status_code == 200, page.text
        found.append([s["school_id"] for s in page.json()])
        if NEXT_HEADER not in page.headers:
            break
        params = {"limit": "2", "cursor": page.headers[NEXT_HEADER]}
    assert found == [["school-1", "school-2"], ["school-3", "school-4"], ["school-5"]]


def test_a_bad_cursor_is_refused_naming_it(client: TestClient) -> None:
    refused = client.get("/schools", params={"cursor": "x"}, headers=supervisor())
    assert (refused.status_code, refused.json()["detail"]["field"]) == (422, "query.cursor")
    assert refusal_rule(refused) == "invalid-cursor"
