"""Seriousness follows what was found: drugs or a weapon seized or found make any incident serious.

Source, Appendix 2, The Staff: "Assaults resulting in injury, robbery, sexual assaults,
offensive weapons and drugs seized or found will be reported to the head teacher, who will then
liase with the SSPO."
"""

from uuid import UUID

import pytest
from fastapi.testclient import TestClient

from services.incidents.application import IncidentsApplication
from services.incidents.domain.incident import Incident
from services.incidents.domain.search import SearchFacts
from services.incidents.tests.conftest import actor, at, listed, now, officer_headers
from services.incidents.tests.stories import search_facts
from services.runtime.domain import RuleViolation
from services.runtime.views_pg import Where

STAFF = actor("school_staff", "staff-1")


def seize(app: IncidentsApplication, incident_id: UUID, kind: str, by: object = STAFF) -> UUID:
    return app.seize_evidence(
        incident_id=incident_id,
        kind=kind,  # type: ignore[arg-type]
        description="Found in a locker",
        seized_at=at(1, 11),
        justification=None,
        now=now(),
        actor=by,  # type: ignore[arg-type]
    )


def outstanding(app: IncidentsApplication) -> list[str]:
    rows = listed(
        app,
        Where(equal={"kind": "incident", "serious": True}, null=("head_teacher_notified_at",)),
    )
    return [r["id"] for r in rows]


@pytest.mark.parametrize("kind", ["drugs", "weapon"])
def test_drugs_or_a_weapon_seized_make_a_minor_incident_serious(
    app: IncidentsApplication, given_reported_incident: UUID, kind: str
) -> None:
    # Given an anti-social behaviour incident, not serious by its category
    assert app.get_incident(given_reported_incident).serious is False
    # When school staff seize drugs or a weapon under it
    item = seize(app, given_reported_incident, kind)
    # Then it is serious, says why, and the head teacher's notice is owed
    incident = app.get_incident(given_reported_incident)
    assert incident.serious is True
    assert incident.serious_find == {
        "cause": "evidence_seized", "find": kind, "source_id": str(item), "found_at": at(1, 11)
    }  # fmt: skip
    assert outstanding(app) == [str(given_reported_incident)]
    events = [type(e) for e in app.history(Incident, given_reported_incident)]
    assert events.count(Incident.BecameSerious) == 1
    # And a serious incident cannot be closed before the head teacher is told
    with pytest.raises(RuleViolation) as refused:
        app.close_incident(
            given_reported_incident,
            outcome="local-resolution",
            closed_at=at(1, 12),
            now=now(),
            actor=actor(),
        )
    assert refused.value.rule == "serious-head-teacher-notice"


def test_other_items_seized_change_nothing_and_a_second_find_adds_no_event(
    app: IncidentsApplication, given_reported_incident: UUID
) -> None:
    seize(app, given_reported_incident, "electronic_device")
    assert app.get_incident(given_reported_incident).serious is False
    seize(app, given_reported_incident, "weapon")
    seize(app, given_reported_incident, "drugs")
    events = [type(e) for e in app.history(Incident, given_reported_incident)]
    assert events.count(Incident.BecameSerious) == 1


def test_a_search_that_found_a_weapon_makes_its_incident_serious(
    app: IncidentsApplication, given_reported_incident: UUID
) -> None:
    facts = search_facts(incident_id=str(given_reported_incident), found="Folding knife, 8cm")
    search = app.record_search(
        SearchFacts(**facts, officer_id="officer-001"), now=now(), actor=actor()
    )
    incident = app.get_incident(given_reported_incident)
    assert incident.serious_find is not None
    assert (incident.serious_find["cause"], incident.serious_find["find"]) == (
        "search_found",
        "weapon",
    )
    assert incident.serious_find["source_id"] == str(search)


def test_a_search_that_found_nothing_changes_nothing(
    app: IncidentsApplication, given_reported_incident: UUID
) -> None:
    facts = search_facts(incident_id=str(given_reported_incident), found="  ")
    app.record_search(SearchFacts(**facts, officer_id="officer-001"), now=now(), actor=actor())
    assert app.get_incident(given_reported_incident).serious is False


def test_the_outstanding_list_shows_the_find(
    client: TestClient, given_reported_incident_via_api: str
) -> None:
    body = {
        "incident_id": given_reported_incident_via_api,
        "kind": "drugs",
        "description": "Small bag of herbal material",
        "seized_at": at(1, 11).isoformat(),
        "justification": None,
    }
    response = client.post("/evidence", json=body, headers=officer_headers())
    assert response.status_code == 201, response.text
    listed = client.get("/outstanding", headers=officer_headers()).json()
    rows = listed["serious_incidents_head_teacher_not_told"]
    assert [(r["id"], r["serious_find"]) for r in rows] == [
        (given_reported_incident_via_api, "drugs")
    ]
