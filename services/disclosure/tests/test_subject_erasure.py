"""The subject of a Section 115 request: details sealed under their key, erased on request.

The disclosure register is the data sharing log; after erasure it still shows that a request
was made, decided and released, and by whom, but no longer about whom or why.
"""

from fastapi.testclient import TestClient

from services.disclosure.tests.api_helpers import (
    AUDITOR,
    BOROUGH,
    DO,
    OFFICER,
    RELEASE,
    ROUTINE,
    signed,
    submitted,
)
from services.runtime.sealed import ERASED
from services.runtime.testing import bearer

DPO = bearer("data_protection_officer", "dpo-1")
REF = ROUTINE["subject_ref"]


def surfaces(client: TestClient, request_id: str) -> str:
    """The request, its history, the register and its CSV, as the auditor reads them."""
    texts = []
    for path in (f"/requests/{request_id}", f"/requests/{request_id}/history"):
        response = client.get(path, params={"purpose": "audit"}, headers=AUDITOR)
        assert response.status_code == 200, response.text
        texts.append(response.text)
    for path in ("/register", "/register.csv"):
        why = {"borough": BOROUGH, "purpose": "audit"}
        response = client.get(path, params=why, headers=AUDITOR)
        assert response.status_code == 200, response.text
        texts.append(response.text)
    return "\n".join(texts)


def test_the_subject_is_erased_from_every_surface_and_the_workflow_goes_on(
    client: TestClient,
) -> None:
    request_id = submitted(client)
    before = surfaces(client, request_id)
    assert REF in before and ROUTINE["purpose"] in before

    body = {"legal_basis": "dpa-2018-s47", "reason": "Request of the subject's parent"}
    response = client.post(f"/subjects/{REF}/erasure", json=body, headers=DPO)
    assert response.status_code == 201, response.text

    after = surfaces(client, request_id)
    assert REF not in after and ROUTINE["purpose"] not in after
    assert ROUTINE["necessity"] not in after and ERASED in after
    # The countersignature still covers what is stored, so the record stays whole.
    signed(client, request_id)
    # A change to the erased subject's details is refused: there is no key to seal it under.
    change = client.patch(
        f"/requests/{request_id}", json={"purpose": "Another purpose"}, headers=OFFICER
    )
    assert change.status_code == 409, change.text
    assert change.json()["detail"]["rule"] == "subject-erased"


def test_only_the_data_protection_officer_erases_a_subject(client: TestClient) -> None:
    submitted(client)
    body = {"legal_basis": "dpa-2018-s47", "reason": "asked"}
    for headers in (OFFICER, DO, AUDITOR):
        response = client.post(f"/subjects/{REF}/erasure", json=body, headers=headers)
        assert response.status_code == 403, response.text
        assert response.json()["detail"]["rule"] == "role-not-permitted"


def test_the_requester_and_recipient_names_go_with_the_subject(client: TestClient) -> None:
    # Names of other people (who asked, who received) are under the request's own record key.
    request_id = submitted(client)
    signed(client, request_id)
    decision = {"outcome": "disclose_full", "reasoning": "Attendance is necessary for the purpose"}
    answer = client.post(f"/requests/{request_id}/decision", json=decision, headers=DO)
    assert answer.status_code == 201, answer.text
    answer = client.post(f"/requests/{request_id}/release", json=RELEASE, headers=DO)
    assert answer.status_code == 201, answer.text
    before = surfaces(client, request_id)
    assert ROUTINE["requesting_officer"] in before and RELEASE["recipient"] in before

    body = {"legal_basis": "dpa-2018-s47", "reason": "Request of the subject's parent"}
    response = client.post(f"/subjects/{REF}/erasure", json=body, headers=DPO)
    assert response.status_code == 201 and response.json()["record_keys"] == 1, response.text
    after = surfaces(client, request_id)
    assert ROUTINE["requesting_officer"] not in after and RELEASE["recipient"] not in after
    why = {"borough": BOROUGH, "purpose": "audit"}
    [entry] = client.get("/register", params=why, headers=AUDITOR).json()
    assert (entry["requesting_officer"], entry["recipient"]) == (ERASED, ERASED)
    assert entry["outcome"] == "disclose_full"  # the structured record stays
