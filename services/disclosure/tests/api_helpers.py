"""Tokens and bodies for the HTTP stories."""

from typing import Any

from fastapi.testclient import TestClient

from services.runtime.testing import bearer

BOROUGH = "waltham-forest"
OFFICER = bearer("school_officer", "officer-1", school="school-1")
HEAD = bearer("head_teacher", "head-1", school="school-1")
OTHER_HEAD = bearer("head_teacher", "head-2", school="school-2")
DO = bearer("disclosure_officer", "do-1", borough=BOROUGH)
OTHER_DO = bearer("disclosure_officer", "do-2", borough="hackney")
AUDITOR = bearer("auditor", "auditor-1")
LA_SYSTEM = bearer("service", "la-waltham-forest-cms", borough=BOROUGH)

ROUTINE: dict[str, Any] = {
    "requesting_body": "police",
    "requesting_officer": "PC 123 A. Officer, Leyton",
    "subject_ref": "pupil-0123456789abcdef",
    "school_id": "school-1",
    "borough": BOROUGH,
    "urgency": "routine",
    "categories": ["offending_history", "safeguarding_concerns"],
    "purpose": "Investigation of a robbery near the school gates",
    "necessity": "Attendance records establish who was in school",
    "lawful_basis": "cda_1998_s115",
}
RELEASE: dict[str, Any] = {
    "categories_shared": ["offending_history"],
    "information_shared": "Attendance marks for 16-20 November",
    "recipient_body": "police",
    "recipient": "PC 123, Leyton",
    "means": "secure_email",
}


def submitted(client: TestClient, body: dict[str, Any] | None = None) -> str:
    """Submit a request as the school's officer; its id."""
    response = client.post("/requests", json=body or ROUTINE, headers=OFFICER)
    assert response.status_code == 201, response.text
    request_id: str = response.json()["id"]
    return request_id


def signed(client: TestClient, request_id: str) -> None:
    """Countersign as the head teacher, over the hash she reads."""
    content_hash = client.get(
        f"/requests/{request_id}?purpose=case_management", headers=HEAD
    ).json()["content_hash"]
    response = client.post(
        f"/requests/{request_id}/countersignature",
        json={"content_hash": content_hash},
        headers=HEAD,
    )
    assert response.status_code == 200, response.text
