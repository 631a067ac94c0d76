"""An internal election limits police action; it does not ban it.

Source, Appendix 2, The SSPO: "Where an offence has been reported to the SSPO but the school
wishes to deal with the matter internally, the officer will limit his/her action, unless it is
of a serious nature where positive action is required regardless of the schools wishes."
"""

from uuid import UUID

import pytest
from fastapi.testclient import TestClient
from ssp_contracts.vocab import POSITIVE_ACTION_CATEGORIES, SERIOUS_CATEGORIES

from services.incidents.application import IncidentsApplication
from services.incidents.domain.incident import Incident
from services.incidents.tests.conftest import (
    actor,
    at,
    listed,
    now,
    officer_headers,
    report,
    staff_headers,
)
from services.runtime.domain import RuleViolation, StateConflict
from services.runtime.testing import bearer
from services.runtime.views_pg import Where

STAFF = actor("school_staff", "staff-1")
SUPERVISOR = actor("borough_supervisor", "supervisor-1", None)
JUSTIFICATION = "Knife recovered; the pupil poses a continuing risk to others at the school."


AWAITING = Where(equal={"kind": "incident"}, not_null=("actions_awaiting_review",))


def elect(app: IncidentsApplication, incident_id: UUID) -> None:
    app.elect_internal(incident_id, elected_at=at(1, 11), now=now(), actor=STAFF)


def act(app: IncidentsApplication, incident_id: UUID, justification: str | None = None) -> None:
    app.record_police_action(
        incident_id,
        action="crime_report",
        taken_at=at(1, 12),
        justification=justification,
        now=now(),
        actor=actor(),
    )


def test_before_any_election_the_officer_may_act(
    app: IncidentsApplication, given_reported_incident: UUID
) -> None:
    act(app, given_reported_incident)
    assert [a["action"] for a in app.get_incident(given_reported_incident).police_actions] == [
        "crime_report"
    ]


def test_after_the_election_a_minor_incident_takes_justified_action_flagged_for_review(
    app: IncidentsApplication, given_reported_incident: UUID
) -> None:
    # Given the school elected to deal with a minor incident itself
    elect(app, given_reported_incident)
    # When the officer acts without a written justification, the limit is named
    with pytest.raises(RuleViolation) as refused:
        act(app, given_reported_incident, "needed")
    assert (refused.value.rule, refused.value.field) == ("internal-election", "justification")
    assert app.get_incident(given_reported_incident).police_actions == []
    # With one, the action is recorded and awaits a supervisor's review
    act(app, given_reported_incident, JUSTIFICATION)
    incident = app.get_incident(given_reported_incident)
    assert incident.police_actions[0]["supervisor_review"] is True
    assert incident.awaiting_review == 1
    assert [r["id"] for r in listed(app, AWAITING)] == [str(given_reported_incident)]
    # Until a supervisor reviews it
    app.review_police_actions(
        given_reported_incident,
        decision="endorsed",
        reviewed_at=at(1, 13),
        notes="Proportionate given the repeat reports",
        now=now(),
        actor=SUPERVISOR,
    )
    assert app.get_incident(given_reported_incident).awaiting_review == 0
    assert listed(app, AWAITING) == []
    with pytest.raises(StateConflict) as again:
        app.review_police_actions(
            given_reported_incident,
            decision="endorsed",
            reviewed_at=at(1, 13),
            notes="",
            now=now(),
            actor=SUPERVISOR,
        )
    assert again.value.rule == "no-action-to-review"


@pytest.mark.parametrize("category", sorted(POSITIVE_ACTION_CATEGORIES))
def test_positive_action_categories_need_a_justification_but_no_review(
    app: IncidentsApplication, category: str
) -> None:
    incident_id = report(app, category=category)
    elect(app, incident_id)
    with pytest.raises(RuleViolation) as refused:
        act(app, incident_id, "needed")
    assert (refused.value.rule, refused.value.field) == ("internal-election", "justification")
    act(app, incident_id, JUSTIFICATION)
    action = app.get_incident(incident_id).police_actions[0]
    # Kept under the incident's own record key (runtime/record_keys.py).
    justification = app.subjects.open(action["justification"], "justification")  # type: ignore[arg-type]
    assert (justification, action["supervisor_review"]) == (JUSTIFICATION, False)


def test_positive_action_is_a_rule_apart_from_the_head_teacher_notice() -> None:
    # Arson and burglary need no head teacher notice, drugs need no positive action.
    assert {"arson", "burglary"} <= POSITIVE_ACTION_CATEGORIES - SERIOUS_CATEGORIES
    assert "drugs" in SERIOUS_CATEGORIES - POSITIVE_ACTION_CATEGORIES


def test_an_arrest_is_police_action_and_obeys_the_election(
    app: IncidentsApplication, given_reported_incident: UUID
) -> None:
    elect(app, given_reported_incident)
    with pytest.raises(RuleViolation) as refused:
        app.make_arrest(
            incident_id=given_reported_incident,
            pupil_ref="pupil-0123456789ab",
            arrested_at=at(1, 12),
            on_premises=False,
            necessity=None,
            now=now(),
            actor=actor(),
        )
    assert (refused.value.rule, refused.value.field) == ("internal-election", "justification")


def test_the_election_is_recorded_once(
    app: IncidentsApplication, given_reported_incident: UUID
) -> None:
    elect(app, given_reported_incident)
    with pytest.raises(StateConflict):
        elect(app, given_reported_incident)


def test_an_action_stored_before_the_review_existed_reads_as_not_flagged() -> None:
    # Version 1 of the stored event had no supervisor_review; eventsourcing upcasts it.
    state: dict[str, object] = {"action": "crime_report"}
    Incident.PoliceActionRecorded.upcast_v1_v2(state)
    assert state == {"action": "crime_report", "supervisor_review": False}


def test_the_review_list_and_endpoint_are_for_supervisors(
    client: TestClient, given_reported_incident_via_api: str
) -> None:
    incident = given_reported_incident_via_api
    head = staff_headers(role="head_teacher")
    at_ = {"at": at(1, 11).isoformat()}
    assert client.post(
        f"/incidents/{incident}/internal-election", json=at_, headers=head
    ).is_success
    body = {"action": "crime_report", "taken_at": at(1, 12).isoformat()}
    refused = client.post(
        f"/incidents/{incident}/police-actions", json=body, headers=officer_headers()
    )
    assert refused.status_code == 422
    assert refused.json()["detail"]["rule"] == "internal-election"
    body["justification"] = JUSTIFICATION
    ok = client.post(f"/incidents/{incident}/police-actions", json=body, headers=officer_headers())
    assert ok.status_code == 200, ok.text
    supervisor = dict(bearer("borough_supervisor", "supervisor-1", borough="Waltham Forest"))
    listed = client.get("/police-actions/awaiting-review", headers=supervisor)
    assert [r["id"] for r in listed.json()] == [incident]
    review = {"decision": "not_endorsed", "reviewed_at": at(1, 13).isoformat()}
    by_officer = client.post(
        f"/incidents/{incident}/police-action-review", json=review, headers=officer_headers()
    )
    assert by_officer.status_code == 403
    assert by_officer.json()["detail"]["rule"] == "role-not-permitted"
    bad = client.post(
        f"/incidents/{incident}/police-action-review",
        json={**review, "decision": "maybe"},
        headers=supervisor,
    )
    assert (bad.status_code, bad.json()["detail"]["field"]) == (422, "decision")
    done = client.post(
        f"/incidents/{incident}/police-action-review", json=review, headers=supervisor
    )
    assert done.status_code == 200, done.text
    assert client.get("/police-actions/awaiting-review", headers=supervisor).json() == []
