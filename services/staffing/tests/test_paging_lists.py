"""Staffing's lists worked out from loaded records page like the others: limit, cursor, since."""

from typing import Any

import pytest
from fastapi.testclient import TestClient

from services.runtime.paging import MAX_LIMIT, NEXT_HEADER, After
from services.runtime.testing import refusal_rule
from services.staffing.tests.conftest import supervisor
from services.staffing.tests.test_permissions import SCHOOL

SCHOOLS = [f"school-{n}" for n in (3, 1, 4, 2, 5)]
# Two deployments start on the same day: the id breaks the tie, so the order stays stable.
STARTS = ["2025-09-01", "2025-09-01", "2025-10-06", "2025-11-03", "2026-01-05"]
OFFICER = {"officer_id": "pc-1234", "rank": "constable", "borough": "waltham-forest"}
LISTS = [
    "/officers/pc-1234/deployments",
    "/deployments/ending",
    "/reviews/overdue",
    "/officers/pc-1234/abstractions",
    "/schools/school-1/absences",
]


@pytest.fixture
def deployed(client: TestClient) -> list[str]:
    """pc-1234 deployed a fifth of the time to each of five schools, tenures ending soon."""
    body = {**OFFICER, "selection_panel": ["police", "school"]}
    assert client.post("/officers", json=body, headers=supervisor()).status_code == 201
    ids = []
    signed = {"signed_on": "2025-06-02", "head_teacher": "J. Head", "borough_commander": "C. Cdr"}
    for school_id, start in zip(SCHOOLS, STARTS, strict=True):
        school = {**SCHOOL, "school_id": school_id}
        made = client.post("/schools", json=school, headers=supervisor())
        assert made.status_code == 201, made.text
        protocol = client.post(f"/schools/{school_id}/protocol", json=signed, headers=supervisor())
        assert protocol.is_success, protocol.text
        deploy = {
            "officer_id": "pc-1234", "school_id": school_id, "share_percent": 20,
            "start_date": start, "tenure_end": "2027-02-01",
        }  # fmt: skip
        response = client.post("/deployments", json=deploy, headers=supervisor())
        assert response.status_code == 201, response.text
        ids.append(response.json()["id"])
    return ids


def pages(client: TestClient, path: str, field: str, **params: Any) -> list[list[str]]:
    """Every page of ``path``, following the next-page cursor until there is none."""
    found, cursor = [], None
    while True:
        query = {**params, **({"cursor": cursor} if cursor else {})}
        response = client.get(path, params=query, headers=supervisor())
        assert response.status_code == 200, response.text
        found.append([r[field] for r in response.json()])
        cursor = response.headers.get(NEXT_HEADER)
        if cursor is None:
            return found
        assert 'rel="next"' in response.headers["Link"]


def test_an_officers_deployments_page_by_start_then_id_each_once(
    client: TestClient, deployed: list[str]
) -> None:
    path = "/officers/pc-1234/deployments"
    found = pages(client, path, "deployment_id", limit=2)
    assert [len(p) for p in found] == [2, 2, 1]
    first_day = sorted(deployed[:2])  # same start: by id
    assert [d for p in found for d in p] == first_day + deployed[2:]
    # since: the deployments starting on or after its London day
    late = pages(client, path, "deployment_id", since="2025-11-03T09:00:00+00:00")
    assert late == [deployed[3:]]


def test_tenures_ending_and_overdue_reviews_page_with_every_row_once(
    client: TestClient, deployed: list[str]
) -> None:
    ending = pages(client, "/deployments/ending", "deployment_id", limit=3)
    assert [len(p) for p in ending] == [3, 2]
    assert sorted(d for p in ending for d in p) == sorted(deployed)
    # Every protocol was signed on the same day, so every review fell due together: by id
    overdue = pages(client, "/reviews/overdue", "school_id", limit=2)
    assert overdue == [["school-1", "school-2"], ["school-3", "school-4"], ["school-5"]]


def test_absences_page_by_first_day_and_since_keeps_those_still_running(
    client: TestClient, deployed: list[str]
) -> None:
    spans = [
        ("2026-11-02", "2026-11-06"),
        ("2026-11-16", "2026-11-27"),
        ("2026-12-07", "2026-12-08"),
    ]
    for starts, ends in spans:
        body = {"kind": "annual_leave", "starts_on": starts, "ends_on": ends}
        made = client.post("/officers/pc-1234/absences", json=body, headers=supervisor())
        assert made.status_code == 201, made.text
    found = pages(client, "/schools/school-1/absences", "starts_on", limit=2)
    assert found == [["2026-11-02", "2026-11-16"], ["2026-12-07"]]
    # The absence running on the London day of since is still listed
    since = pages(client, "/schools/school-1/absences", "starts_on", since="2026-11-20T08:00Z")
    assert since == [["2026-11-16", "2026-12-07"]]


def test_abstractions_page_by_shift_day(client: TestClient, deployed: list[str]) -> None:
    term = {"starts_on": "2025-09-03", "ends_on": "2025-12-19"}
    made = client.put("/calendars/waltham-forest/2025-autumn", json=term, headers=supervisor())
    assert made.is_success, made.text
    roster = {"term": "2025-autumn"}
    made = client.post("/officers/pc-1234/rosters", json=roster, headers=supervisor())
    assert made.is_success, made.text
    for day in ("2025-10-08", "2025-09-10", "2025-11-12"):  # Wednesdays, recorded out of order
        body = {"shift_date": day, "hours": 2.0, "category": "court",
                "authorised_by": "sgt-100", "exceptional": False}  # fmt: skip
        made = client.post("/officers/pc-1234/abstractions", json=body, headers=supervisor())
        assert made.status_code == 201, made.text
    path = "/officers/pc-1234/abstractions"
    found = pages(client, path, "shift_date", limit=2)
    assert found == [["2025-09-10", "2025-10-08"], ["2025-11-12"]]
    later = pages(client, path, "shift_date", since="2025-10-08T12:00:00+01:00")
    assert later == [["2025-10-08", "2025-11-12"]]


def test_bad_limit_or_cursor_on_any_staffing_list_is_refused_naming_it(
    client: TestClient, deployed: list[str]
) -> None:
    forged = After("monday", "x").encode()  # well formed, but its order is not a date
    for path in LISTS:
        for params, expected in (
            ({"limit": 0}, ("greater-than-equal", "query.limit")),
            ({"limit": MAX_LIMIT + 1}, ("less-than-equal", "query.limit")),
            ({"cursor": "not-a-cursor"}, ("invalid-cursor", "query.cursor")),
            ({"cursor": forged}, ("invalid-cursor", "query.cursor")),
            ({"since": "2026-07-08T12:00:00"}, ("timezone-required", "query.since")),
        ):
            refused = client.get(path, params=params, headers=supervisor())
            assert refused.status_code == 422, (path, params, refused.text)
            assert (refusal_rule(refused), refused.json()["detail"]["field"]) == expected
