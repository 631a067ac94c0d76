"""A school records every incident; the police see only those referred to them.

Source, Appendix 2: "The school is to record all incident of crime occurring on school
premises." (The SSPO) and "It is at the discretion of the head teacher to report all other
crimes to the SSPO" (The Staff), while "Assaults resulting in injury, robbery, sexual assaults,
offensive weapons and drugs seized or found will be reported to the head teacher, who will then
liase with the SSPO."
"""

import pytest
from fastapi.testclient import TestClient
from ssp_contracts.events import incidents as c
from ssp_contracts.topics import TOPICS

from services.incidents.application import IncidentsApplication
from services.incidents.tests.conftest import (
    OTHER_SCHOOL,
    actor,
    at,
    incident_body,
    now,
    officer_headers,
    report,
    staff_headers,
)
from services.incidents.translation import translator
from services.runtime.domain import StateConflict
from services.runtime.kafka_acls import acl_table

STAFF = actor("school_staff", "staff-1")
HEAD = actor("head_teacher", "head-1")


def topics(app: IncidentsApplication) -> list[str]:
    notifications = app.recorder.select_notifications(1, 100)
    out = []
    for n in notifications:
        message = translator.message(app.mapper.to_domain_event(n))
        if message is not None:
            out.append(message.topic)
    return out


def test_a_minor_incident_the_school_records_stays_on_the_school_topic(
    app: IncidentsApplication,
) -> None:
    # Given staff record a minor incident and deal with it internally
    incident_id = report(app, actor=STAFF)
    app.elect_internal(incident_id, elected_at=at(1, 11), now=now(), actor=STAFF)
    # Then it is not referred, and nothing of it reaches a police topic
    assert app.get_incident(incident_id).referred is False
    assert topics(app) == [c.SCHOOL_ONLY, c.SCHOOL_ONLY]
    # When the head teacher refers it, its facts go to the police topic, and what follows too
    app.refer_incident(incident_id, at=at(1, 12), now=now(), actor=HEAD)
    app.notify_head_teacher(incident_id, notified_at=at(1, 12), now=now(), actor=HEAD)
    assert topics(app)[2:] == [c.INCIDENTS, c.INCIDENTS]
    with pytest.raises(StateConflict) as again:
        app.refer_incident(incident_id, at=at(1, 12), now=now(), actor=HEAD)
    assert again.value.rule == "already-referred"


def test_serious_categories_and_the_officers_own_reports_are_referred_by_rule(
    app: IncidentsApplication,
) -> None:
    assert app.get_incident(report(app, actor=STAFF, category="robbery")).referred is True
    assert app.get_incident(report(app)).referred is True  # the officer reported it


def test_drugs_seized_refer_an_unreferred_incident_by_rule(app: IncidentsApplication) -> None:
    incident_id = report(app, actor=STAFF)
    app.seize_evidence(
        incident_id=incident_id, kind="drugs", description="Bag of pills", seized_at=at(1, 11),
        justification=None, now=now(), actor=STAFF,
    )  # fmt: skip
    incident = app.get_incident(incident_id)
    assert (incident.referred, incident.serious) == (True, True)
    referral = next(
        translator.translate(app.mapper.to_domain_event(n))
        for n in app.recorder.select_notifications(1, 100)
        if n.topic.endswith("Incident.Referred")
    )
    assert referral is not None
    assert referral.type == c.IncidentReferred.event_type
    assert (referral.data["by_rule"], referral.data["serious"]) == (True, True)


def test_only_reporting_reads_the_school_topic() -> None:
    readers = {
        g.principal
        for g in acl_table(prefix="")
        if g.name == c.SCHOOL_ONLY and g.operation == "READ"
    }
    # Reporting keeps the counts and the audit trail whole; auditors replay them.
    assert readers == {"reporting", "auditor"}
    assert TOPICS[c.SCHOOL_ONLY].owner == "incidents"


def test_police_see_only_referred_incidents_through_the_api(client: TestClient) -> None:
    # Given staff record a minor incident
    staff, head = staff_headers(), staff_headers(role="head_teacher")
    created = client.post("/incidents", json=incident_body(), headers=staff)
    assert created.status_code == 201, created.text
    incident = created.json()["id"]
    # Then the deployed officer neither lists nor reads it, but the school does
    assert (
        client.get(
            f"/incidents/{incident}?purpose=investigation", headers=officer_headers()
        ).status_code
        == 404
    )
    assert client.get("/incidents", headers=officer_headers()).json() == []
    assert [r["id"] for r in client.get("/incidents", headers=head).json()] == [incident]
    # Staff may not refer it, nor a head teacher of another school
    body = {"at": at(1, 12).isoformat()}
    refused = client.post(f"/incidents/{incident}/referral", json=body, headers=staff)
    assert (refused.status_code, refused.json()["detail"]["rule"]) == (403, "role-not-permitted")
    other = staff_headers(OTHER_SCHOOL, role="head_teacher")
    assert client.post(f"/incidents/{incident}/referral", json=body, headers=other).status_code == (
        404
    )
    bad = client.post(f"/incidents/{incident}/referral", json={"at": "soon"}, headers=head)
    assert (bad.status_code, bad.json()["detail"]["field"]) == (422, "at")
    # When the head teacher refers it, the officer sees it
    referred = client.post(f"/incidents/{incident}/referral", json=body, headers=head)
    assert referred.status_code == 200, referred.text
    seen = client.get(f"/incidents/{incident}?purpose=investigation", headers=officer_headers())
    assert seen.status_code == 200
    assert seen.json()["referred_at"] is not None


def test_an_officer_cannot_act_on_an_incident_not_referred(client: TestClient) -> None:
    created = client.post("/incidents", json=incident_body(), headers=staff_headers())
    unseen: str = created.json()["id"]
    action = {"action": "crime_report", "taken_at": at(1, 12).isoformat()}
    response = client.post(
        f"/incidents/{unseen}/police-actions", json=action, headers=officer_headers()
    )
    assert (response.status_code, response.json()["detail"]["rule"]) == (404, "not-found")
