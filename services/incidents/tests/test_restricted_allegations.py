"""Allegations against staff are restricted records: who reads one, and who never does.

Source (Appendix 2, Working Practises): "An allegation of crime made against a member of the
school staff will only be investigated in consultation with the head teacher or their deputy", and
pupils speak because "any information given would be used confidentially" (Report para 14).
"""

from typing import Any, cast
from uuid import UUID

from fastapi import FastAPI
from fastapi.testclient import TestClient

from services.incidents.api.context import IncidentsContext
from services.incidents.tests.conftest import (
    SCHOOL,
    at,
    deployed,
    in_memory_deployments,
    incident_body,
    officer_headers,
)
from services.runtime.consultations import Consultation
from services.runtime.endpoint import context_of
from services.runtime.testing import ALL_AUDIENCES, Bearer, bearer

ACCUSED = "staff-00000000000a"
HEAD_REF = "staff-00000000000b"
WHY = {"purpose": "safeguarding"}


def token(role: str, staff_ref: str | None, school: str = SCHOOL) -> Bearer:
    """A school token naming its member of staff."""
    extra = {"staff_ref": staff_ref} if staff_ref else {}
    return Bearer(
        sub=f"{role}-{staff_ref}", role=role, school=school, audience=ALL_AUDIENCES, extra=extra
    )


def allege(client: TestClient, **overrides: Any) -> str:
    """The deployed officer records an allegation against a member of staff."""
    body = incident_body(
        category="other-theft", allegation_against_staff=True, accused_staff_ref=ACCUSED
    )
    answer = client.post("/incidents", json={**body, **overrides}, headers=officer_headers())
    assert answer.status_code == 201, answer.text
    incident_id: str = answer.json()["id"]
    return incident_id


def reads(client: TestClient, incident_id: str, headers: Any) -> int:
    """The status of reading the incident with a purpose."""
    status: int = client.get(f"/incidents/{incident_id}", params=WHY, headers=headers).status_code
    return status


def test_an_allegation_names_the_member_of_staff(client: TestClient) -> None:
    body = incident_body(category="other-theft", allegation_against_staff=True)
    refused = client.post("/incidents", json=body, headers=officer_headers())
    assert refused.status_code == 422
    assert refused.json()["detail"]["rule"] == "staff-allegation-accused"
    assert refused.json()["detail"]["field"] == "accused_staff_ref"


def test_the_head_the_officer_the_supervisor_and_the_safeguarding_lead_read_it(
    client: TestClient,
) -> None:
    incident_id = allege(client)
    readers = [
        token("head_teacher", HEAD_REF),
        token("designated_safeguarding_lead", "staff-00000000000c"),
        officer_headers(),
        bearer("borough_supervisor", "sup-1", borough="Waltham Forest"),
    ]
    assert [reads(client, incident_id, r) for r in readers] == [200] * 4
    # And every read is a consultation of a restricted record in the store
    app = context_of(cast(FastAPI, client.app), IncidentsContext).application
    events = [app.mapper.to_domain_event(n) for n in app.recorder.select_notifications(1, 100)]
    logged = [e for e in events if isinstance(e, Consultation.Recorded)]
    assert [(c.restricted, c.purpose, c.actor.role) for c in logged] == [
        (True, "safeguarding", "head_teacher"),
        (True, "safeguarding", "designated_safeguarding_lead"),
        (True, "safeguarding", "school_officer"),
        (True, "safeguarding", "borough_supervisor"),
    ]


def test_the_accused_never_reads_it_whatever_their_role(client: TestClient) -> None:
    incident_id = allege(client)
    for role in ("school_staff", "designated_safeguarding_lead", "head_teacher"):
        refused = client.get(f"/incidents/{incident_id}", params=WHY, headers=token(role, ACCUSED))
        assert refused.status_code == 404, role
        assert refused.json()["detail"]["rule"] == "not-found"
    history = client.get(
        f"/incidents/{incident_id}/history", params=WHY, headers=token("head_teacher", ACCUSED)
    )
    assert history.status_code == 404 and history.json()["detail"]["rule"] == "not-found"
    # Nor acts on it
    told = client.post(
        f"/incidents/{incident_id}/head-teacher-notification",
        json={"at": at(1, 12).isoformat()},
        headers=token("school_staff", ACCUSED),
    )
    assert told.status_code == 404 and told.json()["detail"]["rule"] == "not-found"


def test_others_of_the_school_and_beyond_are_refused(client: TestClient) -> None:
    incident_id = allege(client)
    # Another officer deployed to the school is not the investigating officer
    in_memory_deployments(cast(FastAPI, client.app)).apply(deployed("officer-002"))
    others = [
        token("school_staff", "staff-00000000000d"),
        token("head_teacher", None),  # no staff reference: the accused cannot be told apart
        token("deputy_head", "staff-00000000000e"),  # not consulted
        token("chair_of_governors", "staff-00000000000f"),  # not against the head teacher
        bearer("auditor", "auditor-1"),
        bearer("school_officer", "officer-002", school=SCHOOL),
    ]
    assert [reads(client, incident_id, o) for o in others] == [404] * len(others)


def test_the_deputy_consulted_reads_it(client: TestClient) -> None:
    incident_id = allege(client)
    deputy = token("deputy_head", "staff-00000000000e")
    assert reads(client, incident_id, deputy) == 404
    consulted = {"consulted": "deputy_head", "consulted_at": at(1, 12).isoformat()}
    answer = client.post(
        f"/incidents/{incident_id}/staff-consultation", json=consulted, headers=officer_headers()
    )
    assert answer.status_code == 200, answer.text
    assert reads(client, incident_id, deputy) == 200


def test_an_allegation_against_the_head_teacher_goes_to_the_chair_of_governors(
    client: TestClient,
) -> None:
    incident_id = allege(client, accused_staff_ref=HEAD_REF, against_head_teacher=True)
    assert reads(client, incident_id, token("head_teacher", HEAD_REF)) == 404
    assert reads(client, incident_id, token("chair_of_governors", "staff-0000000000aa")) == 200
    assert reads(client, incident_id, token("designated_safeguarding_lead", ACCUSED)) == 200


def test_listings_show_restricted_records_only_to_their_readers(client: TestClient) -> None:
    ordinary = client.post("/incidents", json=incident_body(), headers=officer_headers())
    allegation = allege(client)
    against_head = allege(client, accused_staff_ref=HEAD_REF, against_head_teacher=True)

    def listed(headers: Any) -> set[str]:
        answer = client.get("/incidents", headers=headers)
        assert answer.status_code == 200, answer.text
        return {r["id"] for r in answer.json()}

    plain = ordinary.json()["id"]
    assert listed(token("school_staff", "staff-00000000000d")) == {plain}
    assert listed(token("school_staff", ACCUSED)) == {plain}
    assert listed(token("head_teacher", HEAD_REF)) == {plain, allegation}
    assert listed(token("chair_of_governors", "staff-0000000000aa")) == {against_head}
    assert listed(officer_headers()) == {plain, allegation, against_head}


def test_the_accused_is_kept_under_the_record_key_and_their_erasure_closes_it_to_staff(
    client: TestClient,
) -> None:
    incident_id = allege(client)
    app = context_of(cast(FastAPI, client.app), IncidentsContext).application
    stored = app.get_incident(UUID(incident_id)).accused_staff_ref
    assert stored is not None and ACCUSED not in stored  # sealed, not in clear
    assert reads(client, incident_id, token("head_teacher", ACCUSED)) == 404
    body = {"legal_basis": "uk-gdpr-article-17", "reason": "The member of staff's own request"}
    dpo = bearer("data_protection_officer", "dpo-1")
    erased = client.post(f"/subjects/{ACCUSED}/erasure", json=body, headers=dpo)
    assert erased.status_code == 201 and erased.json()["record_keys"] == 1, erased.text
    # No one can tell any more who was accused: school staff are refused, the lead still reads.
    assert reads(client, incident_id, token("head_teacher", HEAD_REF)) == 404
    lead = token("designated_safeguarding_lead", "staff-00000000000c")
    answer = client.get(f"/incidents/{incident_id}", params=WHY, headers=lead)
    assert answer.json()["accused_staff_ref"] == "erased"
    assert answer.json()["description"] == "erased"
