"""An allegation against a member of staff is investigated only after consulting the head."""

from uuid import UUID

import pytest

from services.incidents.application import IncidentsApplication
from services.incidents.tests.conftest import actor, at, now, report
from services.runtime.domain import RuleViolation


@pytest.fixture
def given_allegation_against_staff(app: IncidentsApplication) -> UUID:
    return report(
        app,
        category="other-theft",
        allegation_against_staff=True,
        accused_staff_ref="staff-00000000000a",
    )


def step(app: IncidentsApplication, incident_id: UUID) -> None:
    app.record_police_action(
        incident_id,
        action="statement_taken",
        taken_at=at(1, 13),
        justification=None,
        now=now(),
        actor=actor(),
    )


def test_no_investigative_step_before_the_consultation(
    app: IncidentsApplication, given_allegation_against_staff: UUID
) -> None:
    with pytest.raises(RuleViolation) as refused:
        step(app, given_allegation_against_staff)
    assert refused.value.rule == "staff-allegation-consultation"
    assert app.get_incident(given_allegation_against_staff).police_actions == []


def test_evidence_seized_by_the_officer_is_an_investigative_step(
    app: IncidentsApplication, given_allegation_against_staff: UUID
) -> None:
    with pytest.raises(RuleViolation) as refused:
        app.seize_evidence(
            incident_id=given_allegation_against_staff,
            kind="document",
            description="Petty cash book",
            seized_at=at(1, 12),
            justification=None,
            now=now(),
            actor=actor(),
        )
    assert refused.value.rule == "staff-allegation-consultation"


def test_after_consulting_the_deputy_the_investigation_proceeds(
    app: IncidentsApplication, given_allegation_against_staff: UUID
) -> None:
    # Given the officer consulted the deputy head
    app.record_staff_consultation(
        given_allegation_against_staff,
        consulted="deputy_head",
        consulted_at=at(1, 12),
        notes="Deputy agrees; head teacher is away",
        now=now(),
        actor=actor(),
    )
    # When the officer takes a statement
    step(app, given_allegation_against_staff)
    # Then it is recorded
    assert len(app.get_incident(given_allegation_against_staff).police_actions) == 1


def test_a_consultation_needs_an_allegation_against_staff(
    app: IncidentsApplication, given_reported_incident: UUID
) -> None:
    with pytest.raises(RuleViolation) as refused:
        app.record_staff_consultation(
            given_reported_incident,
            consulted="head_teacher",
            consulted_at=at(1, 12),
            notes="",
            now=now(),
            actor=actor(),
        )
    assert refused.value.rule == "staff-allegation"
