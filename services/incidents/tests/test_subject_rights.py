"""Subjects' rights: access to everything held about a reference, and rectification as events.

Data Protection Act 2018 s45 (right of access) and s46 (right to rectification), answered by the
data protection officer; the protocol's records are evidence, so a correction is a new event and
the original stays in the record's history.
"""

import json
from typing import Any, cast

from fastapi import FastAPI
from fastapi.testclient import TestClient

from services.incidents.api.context import IncidentsContext
from services.incidents.tests.conftest import PUPIL, at, incident_body, officer_headers
from services.incidents.tests.stories import PERSON, search_body
from services.incidents.translation import translator
from services.runtime.consultations import Consultation
from services.runtime.endpoint import context_of
from services.runtime.sealed import is_sealed
from services.runtime.testing import bearer

DPO = bearer("data_protection_officer", "dpo-1")
ACCUSED = "staff-00000000000a"


def given_records(client: TestClient) -> dict[str, str]:
    """An incident naming the pupil with a search, an item and an arrest; an allegation."""
    officer = officer_headers()
    body = incident_body(category="robbery")
    incident = client.post("/incidents", json=body, headers=officer).json()["id"]
    search = client.post("/searches", json=search_body(), headers=officer).json()["id"]
    item = {"incident_id": incident, "kind": "clothing", "description": "Blue jacket",
            "seized_at": at(1, 12).isoformat()}  # fmt: skip
    evidence = client.post("/evidence", json=item, headers=officer).json()["id"]
    arrest = {"incident_id": incident, "pupil_ref": PUPIL, "arrested_at": at(1, 13).isoformat(),
              "on_premises": False}  # fmt: skip
    arrested = client.post("/arrests", json=arrest, headers=officer).json()["id"]
    allegation = incident_body(
        category="other-theft", allegation_against_staff=True, accused_staff_ref=ACCUSED
    )
    alleged = client.post("/incidents", json=allegation, headers=officer).json()["id"]
    ids = {"incident": incident, "search": search, "evidence": evidence, "arrest": arrested}
    return {**ids, "allegation": alleged}


def test_the_dpo_gets_everything_held_about_a_pupil(client: TestClient) -> None:
    ids = given_records(client)
    answer = client.get(f"/subjects/{PUPIL}/access", headers=DPO)
    assert answer.status_code == 200, answer.text
    document = answer.json()
    assert (document["service"], document["subject_ref"]) == ("incidents", PUPIL)
    found = {(r["record_kind"], r["record_id"]) for r in document["records"]}
    assert found == {
        ("incident", ids["incident"]),
        ("incident", ids["allegation"]),  # the pupil is named in it too
        ("search", ids["search"]),
        ("evidence", ids["evidence"]),
        ("arrest", ids["arrest"]),
    }
    # Personal details included, each record with its history
    assert PERSON in answer.text and "Blue jacket" in answer.text
    assert all(r["history"] for r in document["records"])


def test_a_member_of_staff_gets_the_allegation_naming_them(client: TestClient) -> None:
    ids = given_records(client)
    answer = client.get(f"/subjects/{ACCUSED}/access", headers=DPO).json()
    assert [(r["record_kind"], r["record_id"]) for r in answer["records"]] == [
        ("incident", ids["allegation"])
    ]


def test_only_the_dpo_and_every_export_is_logged(client: TestClient) -> None:
    given_records(client)
    refused = client.get(f"/subjects/{PUPIL}/access", headers=bearer("auditor", "auditor-1"))
    assert refused.status_code == 403 and refused.json()["detail"]["rule"] == "role-not-permitted"
    bad = client.get("/subjects/Jordan/access", headers=DPO)
    assert bad.status_code == 422 and bad.json()["detail"]["rule"] == "string-pattern-mismatch"
    client.get(f"/subjects/{PUPIL}/access", headers=DPO)
    [logged] = [e for e in _events(client) if isinstance(e, Consultation.Recorded)]
    pupil = context_of(cast(FastAPI, client.app), IncidentsContext).application.subjects
    assert (logged.record_kind, logged.purpose, logged.subject_ref, logged.records) == (
        "subject_access",
        "subject_access",
        pupil.pseudonym(PUPIL),
        5,
    )


def test_a_rectification_is_a_new_event_and_the_original_stays(client: TestClient) -> None:
    ids = given_records(client)
    body = {"field": "description", "value": "Graffiti on the sports hall wall",
            "reason": "The first account named the wrong building"}  # fmt: skip
    url = f"/incidents/{ids['incident']}"
    assert client.post(f"{url}/rectification", json=body, headers=DPO).status_code == 200
    why = {"purpose": "case_management"}
    officer = officer_headers()
    assert client.get(url, params=why, headers=officer).json()["description"] == body["value"]
    history = client.get(f"{url}/history", params=why, headers=officer).json()
    assert history[0]["data"]["description"] == "Graffiti on the sports hall"
    assert history[-1]["event"] == "Incident.Rectified"
    assert history[-1]["data"]["reason"] == body["reason"]
    # The published event names the field only
    [rectified] = [e for e in _events(client) if type(e).__qualname__ == "Incident.Rectified"]
    event = translator.translate(rectified)
    assert event is not None and event.data["field"] == "description"
    assert "wall" not in json.dumps(event.data) and "wrong building" not in json.dumps(event.data)


def test_a_search_is_rectified_by_its_officer(client: TestClient) -> None:
    ids = given_records(client)
    body = {"field": "person", "value": "Jordan Example, Year 11",
            "reason": "Year group recorded wrongly"}  # fmt: skip
    url = f"/searches/{ids['search']}"
    answer = client.post(f"{url}/rectification", json=body, headers=officer_headers())
    assert answer.status_code == 200, answer.text
    why = {"purpose": "case_management"}
    person = client.get(f"{url}/person", params=why, headers=officer_headers())
    assert person.json()["person"] == body["value"]
    # Stored as the original was: sealed under the person's own key, never in clear
    app = context_of(cast(FastAPI, client.app), IncidentsContext).application
    [rectified] = [e for e in _events(client) if type(e).__name__ == "Rectified"]
    assert is_sealed(rectified.value) and body["value"] not in str(vars(rectified))
    assert app.subjects.open(rectified.value, "person") == body["value"]


def test_rectifications_that_change_nothing_or_no_personal_detail_are_refused(
    client: TestClient,
) -> None:
    ids = given_records(client)
    url = f"/incidents/{ids['incident']}/rectification"
    same = {"field": "description", "value": "Graffiti on the sports hall",
            "reason": "Checking the correction path"}  # fmt: skip
    refused = client.post(url, json=same, headers=DPO)
    assert refused.status_code == 422
    assert refused.json()["detail"]["rule"] == "rectification-changes-nothing"
    other = client.post(url, json={**same, "field": "category", "value": "robbery"}, headers=DPO)
    assert other.status_code == 422 and other.json()["detail"]["field"] == "field"
    assert other.json()["detail"]["rule"] == "literal-error"
    staff = client.post(
        url, json={**same, "value": "x y z"}, headers=bearer("school_staff", "s-1", school="x")
    )
    assert staff.status_code == 403 and staff.json()["detail"]["rule"] == "role-not-permitted"


def _events(client: TestClient) -> list[Any]:
    app = context_of(cast(FastAPI, client.app), IncidentsContext).application
    return [app.mapper.to_domain_event(n) for n in app.recorder.select_notifications(1, 1000)]
