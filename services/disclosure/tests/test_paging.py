"""The register and the queue page through the runtime's paging: limit, cursor, since."""

from typing import Any

from fastapi.testclient import TestClient

from services.disclosure.tests.api_helpers import AUDITOR, DO, HEAD, OFFICER, submitted
from services.runtime.paging import NEXT_HEADER
from services.runtime.testing import refusal_rule

BOROUGH = {"borough": "waltham-forest"}


def every_page(
    client: TestClient, path: str, headers: Any, limit: int, scoped: bool = True
) -> list[list[str]]:
    found, cursor = [], None
    while True:
        params = {
            **(BOROUGH if scoped else {}),
            "limit": limit,
            **({"cursor": cursor} if cursor else {}),
        }
        response = client.get(path, params=params, headers=headers)
        assert response.status_code == 200, response.text
        found.append([r["id"] for r in response.json()])
        if (cursor := response.headers.get(NEXT_HEADER)) is None:
            return found


def test_register_and_queue_pages_cover_every_row_once(client: TestClient) -> None:
    # Five requests submitted at the same instant: the id orders them
    for _ in range(5):
        submitted(client)
    whole = client.get("/register", params=BOROUGH, headers=AUDITOR).json()
    pages = every_page(client, "/register", AUDITOR, 2)
    assert [len(p) for p in pages] == [2, 2, 1]
    assert [i for p in pages for i in p] == [r["id"] for r in whole]
    queue = every_page(client, "/queue", DO, 3)
    assert sorted(i for p in queue for i in p) == sorted(r["id"] for r in whole)


def test_the_personal_lists_page_too_each_request_once(client: TestClient) -> None:
    made = [submitted(client) for _ in range(5)]
    for path, headers in (("/requests/awaiting-my-signature", HEAD), ("/requests/mine", OFFICER)):
        pages = every_page(client, path, headers, 2, scoped=False)
        assert [len(p) for p in pages] == [2, 2, 1]
        assert sorted(i for p in pages for i in p) == sorted(made)
        assert [i for p in pages for i in p] == [
            r["id"] for r in client.get(path, headers=headers).json()
        ]


def test_a_bad_cursor_or_limit_is_refused_naming_the_field(client: TestClient) -> None:
    for path, headers in (
        ("/register", AUDITOR),
        ("/queue", DO),
        ("/queue/overdue-confirmations", DO),
        ("/requests/awaiting-my-signature", HEAD),
        ("/requests/mine", OFFICER),
    ):
        bad = client.get(path, params={**BOROUGH, "cursor": "%%%"}, headers=headers)
        assert bad.status_code == 422
        assert (refusal_rule(bad), bad.json()["detail"]["field"]) == (
            "invalid-cursor",
            "query.cursor",
        )
        big = client.get(path, params={**BOROUGH, "limit": 5000}, headers=headers)
        assert big.json()["detail"]["field"] == "query.limit"
