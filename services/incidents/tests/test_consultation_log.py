"""Every read of a person's details is logged with who, when, why and what (DPA 2018 s62).

Data Protection Act 2018 s62(1)-(3): logs of consultation "must make it possible to establish
the justification for, and the date and time of, the consultation" and "so far as possible,
the identity of the person who consulted the data". The source asks for the same discretion:
pupils speak because "any information given would be used confidentially" (Report para 14).
"""

import json
from typing import Any, cast

from fastapi import FastAPI
from fastapi.testclient import TestClient

from services.incidents.api.context import IncidentsContext
from services.incidents.application import IncidentsApplication
from services.incidents.tests.conftest import (
    OFFICER,
    OTHER_SCHOOL,
    PUPIL,
    SCHOOL,
    at,
    incident_body,
    now,
    officer_headers,
    staff_headers,
)
from services.incidents.tests.stories import PERSON, search_body
from services.incidents.translation import translator
from services.runtime.consultations import Consultation
from services.runtime.endpoint import context_of
from services.runtime.pseudonyms import for_service
from services.runtime.testing import bearer


def consultations(client: TestClient) -> list[Consultation.Recorded]:
    """The consultation events in the service's store, oldest first."""
    app: IncidentsApplication = context_of(cast(FastAPI, client.app), IncidentsContext).application
    events = [app.mapper.to_domain_event(n) for n in app.recorder.select_notifications(1, 10_000)]
    return [e for e in events if isinstance(e, Consultation.Recorded)]


def test_a_read_without_a_purpose_is_refused_naming_it(
    client: TestClient, given_reported_incident_via_api: str
) -> None:
    refused = client.get(f"/incidents/{given_reported_incident_via_api}", headers=staff_headers())
    assert refused.status_code == 422
    assert refused.json()["detail"]["field"] == "query.purpose"
    assert refused.json()["detail"]["rule"] == "missing"
    wrong = client.get(
        f"/incidents/{given_reported_incident_via_api}",
        params={"purpose": "curiosity"},
        headers=staff_headers(),
    )
    assert wrong.status_code == 422
    assert wrong.json()["detail"]["field"] == "query.purpose"
    assert consultations(client) == []


def test_a_read_of_an_incident_is_logged_with_who_when_why_and_what(
    client: TestClient, given_reported_incident_via_api: str
) -> None:
    # When a member of staff reads the incident for case management
    url = f"/incidents/{given_reported_incident_via_api}"
    answer = client.get(url, params={"purpose": "case_management"}, headers=staff_headers())
    assert answer.status_code == 200
    # Then the store holds the consultation: who, when, why, what
    [logged] = consultations(client)
    assert (logged.actor.id, logged.actor.role) == ("school_staff-1", "school_staff")
    assert logged.consulted_at == now()
    assert logged.purpose == "case_management"
    assert (logged.record_kind, logged.record_id) == ("incident", given_reported_incident_via_api)
    assert logged.school_id == SCHOOL
    # And its history is a consultation too
    client.get(f"{url}/history", params={"purpose": "audit"}, headers=staff_headers())
    assert [c.purpose for c in consultations(client)] == ["case_management", "audit"]


def test_a_read_refused_by_scope_logs_nothing(
    client: TestClient, given_reported_incident_via_api: str
) -> None:
    url = f"/incidents/{given_reported_incident_via_api}"
    outsider = staff_headers(OTHER_SCHOOL)
    assert client.get(url, params={"purpose": "safeguarding"}, headers=outsider).status_code == 404
    assert consultations(client) == []


def test_searches_evidence_arrests_and_the_export_are_logged(client: TestClient) -> None:
    # Given a search, an item of evidence and an arrest
    officer = officer_headers()
    incident = client.post("/incidents", json=_serious(), headers=officer).json()["id"]
    search = client.post("/searches", json=search_body(), headers=officer).json()["id"]
    item = client.post("/evidence", json=_item(incident), headers=officer).json()["id"]
    arrest = client.post("/arrests", json=_arrest(incident), headers=officer)
    assert arrest.status_code == 201, arrest.text
    head = staff_headers(role="head_teacher")
    # When each is read, and the searches exported
    why = {"purpose": "investigation"}
    for path in (
        f"/searches/{search}",
        f"/searches/{search}/person",
        f"/evidence/{item}",
        f"/arrests/{arrest.json()['id']}",
    ):
        assert client.get(path, params=why, headers=head).status_code == 200, path
    analyst = bearer("analyst", "analyst-1")
    export = client.get("/searches/export.csv", params={"purpose": "statistics"}, headers=analyst)
    assert export.status_code == 200
    # Then each read is logged; a search's and an arrest's name the pupil by pseudonym
    logged = consultations(client)
    kinds = [(c.record_kind, c.subject_ref) for c in logged]
    pupil = app_of(client).subjects.pseudonym(PUPIL)
    assert kinds == [
        ("search", pupil),
        ("search", pupil),
        ("evidence", None),
        ("arrest", pupil),
        ("searches_export", None),
    ]
    assert logged[-1].records == 1 and logged[-1].actor.role == "analyst"


def test_the_published_consultation_carries_no_name_or_free_text(
    client: TestClient, given_reported_incident_via_api: str
) -> None:
    search = client.post("/searches", json=search_body(), headers=officer_headers()).json()["id"]
    client.get(f"/searches/{search}/person", params={"purpose": "safeguarding"}, headers=_head())
    [logged] = consultations(client)
    event = translator.translate(logged)
    assert event is not None
    assert event.type == "uk.police.ssp.incidents.personal_data_consulted.v1"
    # the actor travels on the envelope only, as the pseudonym only incidents resolves
    assert event.actorid == for_service("incidents").of("head_teacher-1")
    wire = json.dumps(event.data)
    assert PERSON not in wire and "head_teacher-1" not in wire and OFFICER not in wire
    pupil = app_of(client).subjects.pseudonym(PUPIL)
    assert event.data["purpose"] == "safeguarding" and event.data["subject_ref"] == pupil


def _head() -> dict[str, str]:
    return staff_headers(role="head_teacher")


def _serious() -> dict[str, Any]:
    return incident_body(category="robbery")


def _item(incident: str) -> dict[str, Any]:
    return {
        "incident_id": incident,
        "kind": "electronic_device",
        "description": "Phone, cracked screen",
        "seized_at": at(1, 12).isoformat(),
    }


def _arrest(incident: str) -> dict[str, Any]:
    return {
        "incident_id": incident,
        "pupil_ref": PUPIL,
        "arrested_at": at(1, 12).isoformat(),
        "on_premises": True,
        "necessity": "Prevent harm to other pupils",
    }


def app_of(client: TestClient) -> IncidentsApplication:
    """The application behind the test client."""
    return context_of(cast(FastAPI, client.app), IncidentsContext).application
