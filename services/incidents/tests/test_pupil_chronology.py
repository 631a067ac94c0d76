"""A pupil's chronology: incidents, searches, evidence, arrests and disclosures, in time order.

The core view of a school's safeguarding record, kept to the protocol's confidentiality: pupils
speak because "any information given would be used confidentially" (Report para 14), so the
chronology shows only the caller's schools, no free text, and every read is logged.
"""

import uuid
from datetime import timedelta
from typing import Any, cast

from fastapi import FastAPI
from fastapi.testclient import TestClient
from ssp_contracts.events.disclosure import DecisionRecorded, RequestSubmitted

from services.incidents.api.context import IncidentsContext
from services.incidents.tests.conftest import (
    OTHER_SCHOOL,
    PUPIL,
    SCHOOL,
    actor,
    at,
    incident_body,
    officer_headers,
    report,
    staff_headers,
)
from services.incidents.tests.stories import search_body
from services.incidents.views.disclosures import InMemoryDisclosures
from services.runtime.consultations import Consultation
from services.runtime.endpoint import context_of
from services.runtime.subject_registry import MemoryRegistry
from services.runtime.testing import ALL_AUDIENCES, Bearer

WHY = {"purpose": "safeguarding"}
URL = f"/pupils/{PUPIL}/chronology"


def context(client: TestClient) -> IncidentsContext:
    return context_of(cast(FastAPI, client.app), IncidentsContext)


def requested(client: TestClient, school: str, days_ago: int, pupil: str = PUPIL) -> str:
    """Disclosure's events about ``pupil``, as the projection would apply them: the subject
    under the pseudonym disclosure takes from the registry the services share."""
    view = context(client).disclosures
    assert isinstance(view, InMemoryDisclosures)
    request_id, when = str(uuid.uuid4()), at(days_ago, 9)
    common: dict[str, Any] = {
        "request_id": request_id, "school_id": school, "borough": "waltham-forest",
        "urgency": "routine", "submitted_at": when,
    }  # fmt: skip
    view.apply(
        RequestSubmitted(
            **common, subject_ref=MemoryRegistry("disclosure").allocate(pupil, "pupil"),
            requesting_body="police", urgent_reason=None,
            categories=["attendance"], lawful_basis="cda_1998_s115", missing_fields=[],
            decision_due=None, confirmation_due=None, countersignature_required=True,
        )
    )  # fmt: skip
    view.apply(
        DecisionRecorded(
            **common, decision_id=str(uuid.uuid4()), outcome="disclose_full",
            withheld_categories=[], decided_at=when + timedelta(hours=3), decision_due=None,
            deadline_met=None,
        )
    )  # fmt: skip
    return request_id


def given_a_pupils_records(client: TestClient) -> dict[str, str]:
    """An incident with a search, evidence and an arrest; a request; others elsewhere."""
    officer = officer_headers()
    body = incident_body(category="robbery", occurred_at=at(2, 10).isoformat())
    incident = client.post("/incidents", json=body, headers=officer).json()["id"]
    search = client.post(
        "/searches", json=search_body(incident_id=incident, searched_at=at(2, 11)), headers=officer
    ).json()["id"]
    item = {
        "incident_id": incident, "kind": "electronic_device", "description": "Phone",
        "seized_at": at(2, 12).isoformat(),
    }  # fmt: skip
    evidence = client.post("/evidence", json=item, headers=officer).json()["id"]
    arrest = {
        "incident_id": incident, "pupil_ref": PUPIL, "arrested_at": at(1, 9).isoformat(),
        "on_premises": False,
    }  # fmt: skip
    arrested = client.post("/arrests", json=arrest, headers=officer)
    assert arrested.status_code == 201, arrested.text
    request = requested(client, SCHOOL, 3)
    # And records of the same pupil at a school the officer does not serve
    report(context(client).application, school_id=OTHER_SCHOOL, actor=actor(school=None))
    requested(client, OTHER_SCHOOL, 4)
    ids = {"incident": incident, "search": search, "evidence": evidence, "request": request}
    return {**ids, "arrest": arrested.json()["id"]}


def test_the_chronology_is_in_time_order_and_only_of_the_callers_schools(
    client: TestClient,
) -> None:
    ids = given_a_pupils_records(client)
    answer = client.get(URL, params=WHY, headers=officer_headers())
    assert answer.status_code == 200, answer.text
    entries = answer.json()["entries"]
    assert [(e["record_kind"], e["event"]) for e in entries] == [
        ("disclosure_request", "request_submitted"),
        ("disclosure_request", "decision_recorded"),
        ("incident", "reported"),
        ("search", "searched"),
        ("evidence", "seized"),
        ("arrest", "arrested"),
    ]
    assert {e["school_id"] for e in entries} == {SCHOOL}
    assert entries[0]["record_id"] == ids["request"]
    assert entries[2]["record_id"] == ids["incident"]
    assert entries[3]["details"]["object_of_search"] == "Offensive weapons"
    # No free text: not the incident's description, nor the search's grounds
    assert "Graffiti" not in answer.text and "knife" not in answer.text


def test_a_chronology_pages_through_every_entry_once_in_time_order(client: TestClient) -> None:
    given_a_pupils_records(client)
    whole = client.get(URL, params=WHY, headers=officer_headers()).json()["entries"]
    seen, params = [], {**WHY, "limit": "2"}
    while True:
        answer = client.get(URL, params=params, headers=officer_headers())
        assert answer.status_code == 200, answer.text
        seen += answer.json()["entries"]
        cursor = answer.headers.get("SSP-Next-Cursor")
        if cursor is None:
            break
        params = {**WHY, "limit": "2", "cursor": cursor}
    assert seen == whole and len(whole) == 6
    later = client.get(
        URL, params={**WHY, "since": at(1, 0).isoformat()}, headers=officer_headers()
    )
    assert [e["event"] for e in later.json()["entries"]] == ["arrested"]
    bad = client.get(URL, params={**WHY, "cursor": "not-a-cursor"}, headers=officer_headers())
    assert bad.status_code == 422 and bad.json()["detail"]["field"] == "query.cursor"
    assert bad.json()["detail"]["rule"] == "invalid-cursor"


def test_requests_about_a_pupil_this_service_holds_nothing_about_are_shown(
    client: TestClient,
) -> None:
    # Disclosure holds the pupil; incidents has no key of theirs: the registry names the pseudonym.
    pupil = f"pupil-{uuid.uuid4().hex[:16]}"
    request = requested(client, SCHOOL, 2, pupil)
    url = f"/pupils/{pupil}/chronology"
    answer = client.get(url, params=WHY, headers=officer_headers())
    assert answer.status_code == 200, answer.text
    assert [(e["record_id"], e["event"]) for e in answer.json()["entries"]] == [
        (request, "request_submitted"),
        (request, "decision_recorded"),
    ]


def test_every_read_of_a_chronology_is_logged(client: TestClient) -> None:
    given_a_pupils_records(client)
    head = staff_headers(role="head_teacher")
    assert client.get(URL, params=WHY, headers=head).status_code == 200
    app = context(client).application
    events = [app.mapper.to_domain_event(n) for n in app.recorder.select_notifications(1, 1000)]
    [logged] = [e for e in events if isinstance(e, Consultation.Recorded)]
    assert (logged.record_kind, logged.subject_ref, logged.purpose) == (
        "pupil_chronology",
        app.subjects.pseudonym(PUPIL),  # the log names the pupil as Kafka does
        "safeguarding",
    )
    assert logged.records == 6 and logged.actor.role == "head_teacher"


def test_who_may_read_a_chronology(client: TestClient) -> None:
    missing = client.get(URL, headers=officer_headers())
    assert missing.status_code == 422 and missing.json()["detail"]["field"] == "query.purpose"
    assert missing.json()["detail"]["rule"] == "missing"
    staff = client.get(URL, params=WHY, headers=staff_headers())
    assert staff.status_code == 403 and staff.json()["detail"]["rule"] == "role-not-permitted"
    bad = client.get("/pupils/Jordan%20Example/chronology", params=WHY, headers=officer_headers())
    assert bad.status_code == 422 and bad.json()["detail"]["field"] == "path.pupil_ref"
    assert bad.json()["detail"]["rule"] == "string-pattern-mismatch"


def test_an_allegation_against_staff_shows_only_to_its_readers(client: TestClient) -> None:
    body = incident_body(
        category="other-theft",
        allegation_against_staff=True,
        accused_staff_ref="staff-0000000000aa",
    )
    assert client.post("/incidents", json=body, headers=officer_headers()).status_code == 201

    def kinds(role: str, staff_ref: str) -> list[str]:
        token = Bearer(
            sub=f"{role}-1", role=role, school=SCHOOL, audience=ALL_AUDIENCES,
            extra={"staff_ref": staff_ref},
        )  # fmt: skip
        answer = client.get(URL, params=WHY, headers=token)
        assert answer.status_code == 200, answer.text
        return [e["record_kind"] for e in answer.json()["entries"]]

    assert kinds("designated_safeguarding_lead", "staff-0000000000bb") == ["incident"]
    assert kinds("designated_safeguarding_lead", "staff-0000000000aa") == []  # the accused
