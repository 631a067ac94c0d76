"""Restorative justice conferences and closing an incident with its outcome."""

from uuid import UUID

import pytest
from ssp_contracts.vocab import CrimeOutcome

from services.incidents.application import IncidentsApplication
from services.incidents.tests.conftest import PUPIL, actor, at, now
from services.runtime.domain import RuleViolation, StateConflict


def close(
    app: IncidentsApplication, incident_id: UUID, outcome: CrimeOutcome = "local-resolution"
) -> None:
    app.close_incident(incident_id, outcome=outcome, closed_at=at(1, 15), now=now(), actor=actor())


def test_a_conference_and_its_outcome_are_recorded(
    app: IncidentsApplication, given_reported_incident: UUID
) -> None:
    app.hold_restorative_conference(
        given_reported_incident,
        held_at=at(1, 14),
        outcome="agreement_reached",
        pupil_refs=[PUPIL],
        notes="Apology given",
        now=now(),
        actor=actor(),
    )
    conference = app.get_incident(given_reported_incident).conferences[0]
    assert conference["outcome"] == "agreement_reached"


def test_an_incident_closes_with_its_outcome_and_then_takes_nothing_more(
    app: IncidentsApplication, given_reported_incident: UUID
) -> None:
    # When the incident is closed by local resolution
    close(app, given_reported_incident)
    incident = app.get_incident(given_reported_incident)
    assert (incident.outcome, incident.closed_at) == ("local-resolution", at(1, 15))
    # Then it cannot be closed again, nor take police action
    with pytest.raises(StateConflict) as refused:
        close(app, given_reported_incident, "offender-given-caution")
    assert refused.value.rule == "incident-closed"
    assert app.get_incident(given_reported_incident).outcome == "local-resolution"


def test_an_open_outcome_does_not_close_an_incident(
    app: IncidentsApplication, given_reported_incident: UUID
) -> None:
    with pytest.raises(RuleViolation) as refused:
        close(app, given_reported_incident, "under-investigation")
    assert (refused.value.rule, refused.value.field) == ("closing-outcome", "outcome")
