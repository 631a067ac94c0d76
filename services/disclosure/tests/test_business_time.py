"""Commands may carry the business time they happened at: figures measure real durations."""

from datetime import UTC, datetime, timedelta

from fastapi.testclient import TestClient

from services.disclosure.tests.api_helpers import DO, HEAD, OFFICER, ROUTINE

MONDAY = datetime(2026, 11, 9, 9, 0, tzinfo=UTC)


def test_a_replayed_request_keeps_the_times_it_happened_at(client: TestClient) -> None:
    # Given a routine request submitted on Monday at 09:00 and signed on Tuesday at 09:00
    body = {**ROUTINE, "at": MONDAY.isoformat()}
    request_id = client.post("/requests", json=body, headers=OFFICER).json()["id"]
    content_hash = client.get(
        f"/requests/{request_id}?purpose=case_management", headers=HEAD
    ).json()["content_hash"]
    tuesday = MONDAY + timedelta(days=1)
    signed = client.post(
        f"/requests/{request_id}/countersignature",
        json={"content_hash": content_hash, "at": tuesday.isoformat()},
        headers=HEAD,
    )
    assert signed.status_code == 200, signed.text
    # When a decision is dated before the signature, it is refused naming the rule
    decision = {"outcome": "refuse", "reasoning": "Not necessary for the stated purpose"}
    early = client.post(
        f"/requests/{request_id}/decision",
        json={**decision, "at": (tuesday - timedelta(hours=1)).isoformat()},
        headers=DO,
    )
    assert early.status_code == 422
    assert early.json()["detail"]["rule"] == "not-before-countersignature"
    # And one dated in the future too
    future = datetime.now(UTC) + timedelta(days=1)
    late = client.post(
        f"/requests/{request_id}/decision",
        json={**decision, "at": future.isoformat()},
        headers=DO,
    )
    assert (late.status_code, late.json()["detail"]["field"]) == (422, "at")
    # Then a decision six hours after the signature is recorded at that time
    at = tuesday + timedelta(hours=6)
    done = client.post(
        f"/requests/{request_id}/decision", json={**decision, "at": at.isoformat()}, headers=DO
    )
    assert done.status_code == 201, done.text
    view = client.get(f"/requests/{request_id}?purpose=case_management", headers=OFFICER).json()
    assert datetime.fromisoformat(view["recorded_at"]) == MONDAY
    assert datetime.fromisoformat(view["decided_at"]) == at
