"""Paging of list endpoints: limit, an opaque cursor and since, one mechanism for every list."""

from datetime import timedelta
from typing import Any

from fastapi.testclient import TestClient

from services.incidents.tests.conftest import (
    at,
    deployed,
    in_memory_deployments,
    incident_body,
    officer_headers,
)
from services.runtime.paging import MAX_LIMIT, NEXT_HEADER, After
from services.runtime.testing import bearer, refusal_rule


def report(client: TestClient, days_ago: int, hour: int = 10) -> str:
    body = incident_body(occurred_at=at(days_ago, hour).isoformat())
    response = client.post("/incidents", json=body, headers=officer_headers())
    assert response.status_code == 201, response.text
    incident_id: str = response.json()["id"]
    return incident_id


def pages(client: TestClient, path: str, **params: Any) -> list[list[str]]:
    """Every page of ``path``, following the next-page cursor until there is none."""
    found, cursor = [], None
    while True:
        query = {**params, **({"cursor": cursor} if cursor else {})}
        response = client.get(path, params=query, headers=officer_headers())
        assert response.status_code == 200, response.text
        found.append([r["id"] for r in response.json()])
        cursor = response.headers.get(NEXT_HEADER)
        if cursor is None:
            return found
        assert 'rel="next"' in response.headers["Link"]


def test_pages_cover_every_row_once_in_order(client: TestClient) -> None:
    for days_ago in (4, 3, 2, 1):
        report(client, days_ago)
        report(client, days_ago)  # two at the same minute: ties broken by id
    everything = client.get("/incidents", headers=officer_headers()).json()
    found = pages(client, "/incidents", limit=3)
    assert [len(p) for p in found] == [3, 3, 2]
    assert [i for page in found for i in page] == [r["id"] for r in everything]


def test_rows_stored_after_the_cursor_neither_shift_nor_repeat_pages(client: TestClient) -> None:
    first = [report(client, 1, hour) for hour in (9, 10, 11)]
    response = client.get("/incidents", params={"limit": 2}, headers=officer_headers())
    assert [r["id"] for r in response.json()] == first[:2]
    # An incident at an earlier time and one later are reported between the two reads
    earlier, later = report(client, 1, 8), report(client, 1, 12)
    rest = client.get(
        "/incidents",
        params={"limit": 2, "cursor": response.headers[NEXT_HEADER]},
        headers=officer_headers(),
    )
    assert [r["id"] for r in rest.json()] == [first[2], later]
    assert earlier not in [r["id"] for r in rest.json()]


def test_since_keeps_rows_at_or_after_it(client: TestClient) -> None:
    report(client, 1, 9)
    recent = report(client, 1, 11)
    since = at(1, 10).isoformat()
    response = client.get("/incidents", params={"since": since}, headers=officer_headers())
    assert [r["id"] for r in response.json()] == [recent]
    assert pages(client, "/searches", since=since) == [[]]


def test_the_last_page_has_no_next_cursor(client: TestClient) -> None:
    report(client, 1)
    response = client.get("/incidents", params={"limit": 1}, headers=officer_headers())
    assert len(response.json()) == 1
    assert NEXT_HEADER not in response.headers


def refused(client: TestClient, path: str, **params: Any) -> tuple[str | None, str]:
    response = client.get(path, params=params, headers=officer_headers())
    assert response.status_code == 422, response.text
    return refusal_rule(response), response.json()["detail"]["field"]


def test_bad_limit_cursor_or_since_is_refused_naming_the_field(client: TestClient) -> None:
    paths = ["/incidents", "/searches", "/safeguarding-referrals/outstanding", "/deployments"]
    for path in paths:
        assert refused(client, path, limit=0) == ("greater-than-equal", "query.limit")
        assert refused(client, path, limit=MAX_LIMIT + 1) == ("less-than-equal", "query.limit")
        assert refused(client, path, cursor="not-a-cursor") == ("invalid-cursor", "query.cursor")
        # A well-formed cursor whose time is not a time (forged, or of another list)
        forged = After("monday", "x").encode()
        assert refused(client, path, cursor=forged) == ("invalid-cursor", "query.cursor")
        assert refused(client, path, since="2026-07-08T12:00:00") == (
            "timezone-required",
            "query.since",
        )


def test_deployments_page_by_start_then_id_each_once(client: TestClient) -> None:
    view = in_memory_deployments(client.app)  # type: ignore[arg-type]
    made = [deployed(f"officer-{n:03d}") for n in range(2, 7)]
    for n, event in enumerate(made):  # two start on one day: the id breaks the tie
        view.apply(event.model_copy(update={"start_date": event.start_date + timedelta(n // 2)}))
    auditor = dict(bearer("auditor", "aud-1"))
    found, params = [], {"limit": "2"}
    while True:
        page = client.get("/deployments", params=params, headers=auditor)
        assert page.status_code == 200, page.text
        found += [d["deployment_id"] for d in page.json()]
        if NEXT_HEADER not in page.headers:
            break
        params = {"limit": "2", "cursor": page.headers[NEXT_HEADER]}
    everything = client.get("/deployments", headers=auditor).json()
    assert len(found) == len(set(found)) == len(everything) == 6
    assert found == [d["deployment_id"] for d in everything]
    assert [d["start_date"] for d in everything] == sorted(d["start_date"] for d in everything)
    latest = str(made[-1].start_date + timedelta(2))
    since = client.get("/deployments", params={"since": f"{latest}T00:00Z"}, headers=auditor)
    assert [d["start_date"] for d in since.json()] == [latest]
