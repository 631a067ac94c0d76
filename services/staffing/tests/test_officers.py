"""Officers: appointed by a panel that includes the police; training from a 22-module catalogue."""

from datetime import date

import pytest

from services.runtime.domain import RuleViolation, StateConflict
from services.staffing.application import StaffingApplication
from services.staffing.tests.conftest import BOROUGH, SUPERVISOR, register_officer


def test_a_selection_panel_must_include_the_police(app: StaffingApplication) -> None:
    with pytest.raises(RuleViolation) as refused:
        app.register_officer(
            officer_id="pc-77",
            rank="pcso",
            borough=BOROUGH,
            selection_panel=["school", "local_education_authority"],
            actor=SUPERVISOR,
        )
    assert (refused.value.rule, refused.value.field) == ("panel-includes-police", "selection_panel")


def test_training_modules_come_from_the_catalogue_once_each(app: StaffingApplication) -> None:
    register_officer(app)
    app.complete_training("pc-1234", 1, date(2025, 9, 5), SUPERVISOR)
    app.complete_training("pc-1234", 22, date(2025, 9, 6), SUPERVISOR)
    # Module 23 is not in the default catalogue of 22
    with pytest.raises(RuleViolation) as unknown:
        app.complete_training("pc-1234", 23, date(2025, 9, 7), SUPERVISOR)
    assert (unknown.value.rule, unknown.value.field) == ("training-module-in-catalogue", "module")
    with pytest.raises(StateConflict):
        app.complete_training("pc-1234", 1, date(2025, 9, 8), SUPERVISOR)
    assert app.get_officer("pc-1234").training == {1: date(2025, 9, 5), 22: date(2025, 9, 6)}
