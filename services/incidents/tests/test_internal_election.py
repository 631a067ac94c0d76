"""When the school deals internally, police action is limited to serious incidents, justified."""

from uuid import UUID

import pytest

from services.incidents.application import IncidentsApplication
from services.incidents.tests.conftest import actor, at, now
from services.runtime.domain import RuleViolation, StateConflict

STAFF = actor("school_staff", "staff-1")
JUSTIFICATION = "Knife recovered; the pupil poses a continuing risk to others at the school."


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


def test_after_the_election_a_minor_incident_gets_no_police_action(
    app: IncidentsApplication, given_reported_incident: UUID
) -> None:
    # Given the school elected to deal with a minor incident itself
    elect(app, given_reported_incident)
    # When the officer tries to act, even with a justification
    with pytest.raises(RuleViolation) as refused:
        act(app, given_reported_incident, JUSTIFICATION)
    # Then the protocol's limit is named and nothing is recorded
    assert refused.value.rule == "internal-election"
    assert app.get_incident(given_reported_incident).police_actions == []


def test_after_the_election_a_serious_incident_needs_a_written_justification(
    app: IncidentsApplication, given_serious_incident: UUID
) -> None:
    elect(app, given_serious_incident)
    with pytest.raises(RuleViolation) as refused:
        act(app, given_serious_incident, "needed")
    assert (refused.value.rule, refused.value.field) == ("internal-election", "justification")
    # With a written justification the positive action is recorded
    act(app, given_serious_incident, JUSTIFICATION)
    action = app.get_incident(given_serious_incident).police_actions[0]
    assert action["justification"] == JUSTIFICATION


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
    assert refused.value.rule == "internal-election"


def test_the_election_is_recorded_once(
    app: IncidentsApplication, given_reported_incident: UUID
) -> None:
    elect(app, given_reported_incident)
    with pytest.raises(StateConflict):
        elect(app, given_reported_incident)
