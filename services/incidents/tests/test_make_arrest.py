"""Arrests on premises only when absolutely necessary; the head teacher must be informed."""

from uuid import UUID

import pytest

from services.incidents.application import IncidentsApplication
from services.incidents.tests.conftest import PUPIL, actor, at, listed, now
from services.runtime.domain import RuleViolation, StateConflict
from services.runtime.views_pg import Where

NECESSITY = "Pupil threatened staff with a knife and tried to leave; risk to others."


def arrest(
    app: IncidentsApplication, incident: UUID, on_premises: bool, necessity: str | None
) -> UUID:
    return app.make_arrest(
        incident_id=incident,
        pupil_ref=PUPIL,
        arrested_at=at(1, 12),
        on_premises=on_premises,
        necessity=necessity,
        now=now(),
        actor=actor(),
    )


def head_not_told(app: IncidentsApplication) -> list[str]:
    where = Where(equal={"kind": "arrest"}, null=("head_teacher_notified_at",))
    return [r["id"] for r in listed(app, where)]


@pytest.mark.parametrize("necessity", [None, "", "it was needed"])
def test_an_arrest_on_premises_needs_a_written_necessity(
    app: IncidentsApplication, given_serious_incident: UUID, necessity: str | None
) -> None:
    with pytest.raises(RuleViolation) as refused:
        arrest(app, given_serious_incident, True, necessity)
    assert (refused.value.rule, refused.value.field) == ("arrest-necessity", "necessity")
    assert app.get_incident(given_serious_incident).police_actions == []


def test_a_justified_arrest_is_recorded_on_the_incident_too(
    app: IncidentsApplication, given_serious_incident: UUID
) -> None:
    arrest_id = arrest(app, given_serious_incident, True, NECESSITY)
    # Kept under the arrest's own record key (runtime/record_keys.py).
    necessity = app.get_arrest(arrest_id).necessity
    assert app.subjects.open(necessity, "necessity") == NECESSITY
    actions = app.get_incident(given_serious_incident).police_actions
    assert [a["action"] for a in actions] == ["arrest"]


def test_a_later_arrest_off_premises_needs_no_necessity(
    app: IncidentsApplication, given_serious_incident: UUID
) -> None:
    assert app.get_arrest(arrest(app, given_serious_incident, False, None)).on_premises is False


def test_arrests_are_listed_until_the_head_teacher_is_informed(
    app: IncidentsApplication, given_serious_incident: UUID
) -> None:
    arrest_id = arrest(app, given_serious_incident, True, NECESSITY)
    assert head_not_told(app) == [str(arrest_id)]
    head = actor("head_teacher", "head-1")
    app.inform_head_teacher_of_arrest(arrest_id, informed_at=at(1, 12, 45), now=now(), actor=head)
    assert head_not_told(app) == []
    with pytest.raises(StateConflict):
        app.inform_head_teacher_of_arrest(arrest_id, informed_at=at(1, 13), now=now(), actor=head)
