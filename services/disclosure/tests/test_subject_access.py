"""The right of access (Data Protection Act 2018 s45): every request about a reference."""

from fastapi.testclient import TestClient

from services.disclosure.tests.api_helpers import ROUTINE, submitted
from services.disclosure.tests.conftest import PUPIL
from services.runtime.testing import bearer

DPO = bearer("data_protection_officer", "dpo-1")


def test_the_dpo_gets_every_request_about_the_subject_with_its_history(
    client: TestClient,
) -> None:
    mine = submitted(client)
    submitted(client, {**ROUTINE, "subject_ref": "pupil-00000000000000ff"})
    answer = client.get(f"/subjects/{PUPIL}/access", headers=DPO)
    assert answer.status_code == 200, answer.text
    document = answer.json()
    assert document["service"] == "disclosure"
    [record] = document["records"]
    assert record["record_id"] == mine
    assert record["record"]["purpose"] == ROUTINE["purpose"]  # free text included for the DPO
    assert [h["event"] for h in record["history"]] == ["Submitted"]


def test_only_the_dpo_may_ask(client: TestClient) -> None:
    auditor = bearer("auditor", "auditor-1")
    refused = client.get(f"/subjects/{PUPIL}/access", headers=auditor)
    assert refused.status_code == 403 and refused.json()["detail"]["rule"] == "role-not-permitted"
