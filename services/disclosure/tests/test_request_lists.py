"""The head teacher's "awaiting my signature" list and a requester's "my requests" list.

Appendix 2: "The head teacher, as signatory to this protocol must sign the request for
disclosure." Each list is the caller's own: their school's unsigned requests, or the requests
they submitted; neither carries free text.
"""

from fastapi.testclient import TestClient

from services.disclosure.tests.api_helpers import (
    AUDITOR,
    DO,
    HEAD,
    LA_SYSTEM,
    OFFICER,
    OTHER_HEAD,
    ROUTINE,
    signed,
    submitted,
)
from services.runtime.testing import bearer

AWAITING, MINE = "/requests/awaiting-my-signature", "/requests/mine"
URGENT = {
    **ROUTINE,
    "urgency": "urgent",
    "urgent_reason": "pupil_missing",
    "necessity": None,
    "categories": ["contact_details"],
}
FREE_TEXT = {"purpose", "necessity", "requesting_officer", "reasoning", "information_shared"}


def ids(response: object) -> list[str]:
    assert getattr(response, "status_code") == 200, getattr(response, "text")  # noqa: B009
    return [item["id"] for item in getattr(response, "json")()]  # noqa: B009


def test_the_head_teacher_sees_her_school_s_unsigned_requests_urgent_first(
    client: TestClient,
) -> None:
    routine, urgent, done = submitted(client), submitted(client, URGENT), submitted(client)
    signed(client, done)
    response = client.get(AWAITING, headers=HEAD)
    assert ids(response) == [urgent, routine]
    first = response.json()[0]
    assert (first["signable"], first["missing_fields"]) == (False, ["necessity"])
    assert not FREE_TEXT & set(first)
    assert ids(client.get(AWAITING, headers=OTHER_HEAD)) == []


def test_an_amendment_puts_a_signed_request_back_on_the_list(client: TestClient) -> None:
    request_id = submitted(client)
    signed(client, request_id)
    assert ids(client.get(AWAITING, headers=HEAD)) == []
    patch = {"purpose": "Investigation of a robbery on the high street"}
    assert client.patch(f"/requests/{request_id}", json=patch, headers=OFFICER).status_code == 200
    assert ids(client.get(AWAITING, headers=HEAD)) == [request_id]


def test_a_head_teacher_token_without_its_school_is_refused(client: TestClient) -> None:
    response = client.get(AWAITING, headers=bearer("head_teacher", "head-9"))
    assert response.status_code == 403
    assert response.json()["detail"]["rule"] == "scope-claim-required"


def test_only_head_teachers_have_a_signature_list(client: TestClient) -> None:
    for token in (OFFICER, DO, AUDITOR):
        response = client.get(AWAITING, headers=token)
        assert response.status_code == 403
        assert response.json()["detail"]["rule"] == "role-not-permitted"


def test_requesters_see_their_own_requests_with_status(client: TestClient) -> None:
    mine = submitted(client)
    signed(client, mine)
    other_officer = bearer("school_officer", "officer-2", school="school-1")
    theirs = client.post("/requests", json=ROUTINE, headers=other_officer).json()["id"]
    la_body = {**ROUTINE, "requesting_body": "local_authority"}
    partner = client.post("/requests", json=la_body, headers=LA_SYSTEM).json()["id"]
    response = client.get(MINE, headers=OFFICER)
    assert ids(response) == [mine]
    [row] = response.json()
    assert (row["status"], row["countersigned"], row["data_controller"]) == (
        "submitted", True, "police"
    )  # fmt: skip
    assert row["subject_ref"] == ROUTINE["subject_ref"]
    assert not FREE_TEXT & set(row)
    assert ids(client.get(MINE, headers=other_officer)) == [theirs]
    assert ids(client.get(MINE, headers=LA_SYSTEM)) == [partner]


def test_only_requesters_have_a_my_requests_list(client: TestClient) -> None:
    for token in (HEAD, DO, AUDITOR):
        response = client.get(MINE, headers=token)
        assert response.status_code == 403
        assert response.json()["detail"]["rule"] == "role-not-permitted"
