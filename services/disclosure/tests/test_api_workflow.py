"""A routine request through the HTTP API, from submission to closure."""

from fastapi.testclient import TestClient

from services.disclosure.tests.api_helpers import (
    AUDITOR,
    DO,
    HEAD,
    OFFICER,
    RELEASE,
    ROUTINE,
    signed,
    submitted,
)


def test_a_routine_request_from_submission_to_closure(client: TestClient) -> None:
    # Given a request submitted by the school's officer and signed by the head teacher
    request_id = submitted(client)
    signed(client, request_id)

    # When the disclosure officer decides to disclose in part
    decision = client.post(
        f"/requests/{request_id}/decision",
        json={
            "outcome": "disclose_part",
            "reasoning": "Attendance is necessary; exclusions are not",
            "withheld_categories": ["safeguarding_concerns"],
            "withheld_reason": "Beyond the stated purpose",
        },
        headers=DO,
    )
    assert decision.status_code == 201, decision.text
    decision_id = decision.json()["decision_id"]
    # And records the release, then closes the request
    release = client.post(f"/requests/{request_id}/release", json=RELEASE, headers=DO)
    assert release.status_code == 201, release.text
    closure = client.post(f"/requests/{request_id}/closure", json={}, headers=DO)
    assert closure.status_code == 200, closure.text

    # Then the request reads as closed, with a six-year retention review by default
    view = client.get(f"/requests/{request_id}?purpose=case_management", headers=OFFICER).json()
    assert view["status"] == "closed"
    assert view["decision_id"] == decision_id
    assert (view["countersigned_by"], view["decided_by"], view["released_by"]) == (
        "head-1",
        "do-1",
        "do-1",
    )
    assert int(view["retention_review_on"][:4]) - int(view["closed_at"][:4]) == 6
    # And its history names every step and who took it
    history = client.get(
        f"/requests/{request_id}/history?purpose=case_management", headers=AUDITOR
    ).json()
    assert [(h["event"], h["actor_id"]) for h in history] == [
        ("Submitted", "officer-1"),
        ("Countersigned", "head-1"),
        ("Decided", "do-1"),
        ("Released", "do-1"),
        ("Closed", "do-1"),
    ]
    assert history[2]["details"]["reasoning"] == "Attendance is necessary; exclusions are not"


def test_an_edit_after_signing_needs_a_new_signature(client: TestClient) -> None:
    # Given a signed request
    request_id = submitted(client)
    signed(client, request_id)

    # When the officer changes the purpose
    amended = client.patch(f"/requests/{request_id}", json={"purpose": "Wider"}, headers=OFFICER)
    assert amended.status_code == 200, amended.text

    # Then the signature is void and the decision is refused until she signs again
    assert (
        client.get(f"/requests/{request_id}?purpose=case_management", headers=HEAD).json()[
            "countersigned_by"
        ]
        is None
    )
    history = client.get(
        f"/requests/{request_id}/history?purpose=case_management", headers=OFFICER
    ).json()
    assert history[0]["details"]["purpose"] == ROUTINE["purpose"]  # the original stays on record
    assert history[-1]["event"] == "Amended" and history[-1]["details"]["signature_voided"]
    body = {"outcome": "refuse", "reasoning": "Not necessary"}
    refused = client.post(f"/requests/{request_id}/decision", json=body, headers=DO)
    assert refused.status_code == 409
    assert refused.json()["detail"]["rule"] == "countersignature-required"
    signed(client, request_id)
    assert client.post(f"/requests/{request_id}/decision", json=body, headers=DO).status_code == 201


def test_the_queue_lists_open_requests_of_the_borough(client: TestClient) -> None:
    # Given a routine request and an urgent one about a missing pupil
    routine = submitted(client)
    urgent = submitted(
        client,
        {
            "requesting_body": "police",
            "subject_ref": "pupil-00000000000000aa",
            "school_id": "school-1",
            "borough": "waltham-forest",
            "urgency": "urgent",
            "urgent_reason": "pupil_missing",
            "purpose": "Missing since last night",
        },
    )

    # When the disclosure officer reads the queue
    queue = client.get("/queue", params={"borough": "waltham-forest"}, headers=DO)

    # Then the urgent request leads, with its deadline
    assert queue.status_code == 200, queue.text
    items = queue.json()
    assert [i["id"] for i in items] == [urgent, routine]
    assert items[0]["decision_due"] is not None and items[0]["next_step"] == "decide"
    assert items[1]["next_step"] == "await_countersignature"
