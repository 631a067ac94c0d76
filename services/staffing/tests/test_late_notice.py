"""An absence notified with less than the configured notice is flagged (sickness never is)."""

from datetime import UTC, date, datetime
from uuid import UUID

import pytest
from ssp_contracts.events.staffing import AbsenceKind

from services.runtime.domain import RuleViolation, StateConflict
from services.staffing.application import StaffingApplication
from services.staffing.settings import StaffingConfig
from services.staffing.tests.conftest import SUPERVISOR, deploy, register_officer, register_school

NOW = datetime(2025, 10, 1, 15, 0, tzinfo=UTC)


def notify(app: StaffingApplication, kind: AbsenceKind, starts_on: date) -> UUID:
    return app.notify_absence("pc-1234", kind, starts_on, starts_on, None, NOW, SUPERVISOR)


@pytest.mark.parametrize(
    ("kind", "starts_on", "late"),
    [
        ("annual_leave", date(2025, 10, 8), False),  # 7 days: the minimum
        ("annual_leave", date(2025, 10, 7), True),  # 6 days
        ("other", date(2025, 10, 2), True),
        ("sickness", date(2025, 10, 2), False),  # cannot be foreseen
    ],
)
def test_short_notice_is_flagged(
    app: StaffingApplication,
    given_deployed_officer: UUID,
    kind: AbsenceKind,
    starts_on: date,
    late: bool,
) -> None:
    # When the officer tells the school of an absence
    absence = app.get_absence(notify(app, kind, starts_on))
    # Then it is flagged as late exactly when notice is under the 7 days configured
    assert absence.late_notice is late
    assert absence.minimum_notice_days == 7
    # And the school sees it
    assert [a.id for a in app.absences_at("warwick-boys", None)] == [absence.id]


def test_the_minimum_notice_comes_from_configuration() -> None:
    # Given a borough that asks for 14 days' notice, and a deployed officer
    app = StaffingApplication(config=StaffingConfig(absence_min_notice_days=14))
    register_school(app, "warwick-boys")
    register_officer(app)
    deploy(app)
    # Then 10 days' notice of annual leave is late
    assert app.get_absence(notify(app, "annual_leave", date(2025, 10, 11))).late_notice


def test_an_absence_ends_on_or_after_its_start(
    app: StaffingApplication, given_deployed_officer: UUID
) -> None:
    with pytest.raises(RuleViolation) as refused:
        app.notify_absence(
            "pc-1234", "annual_leave", date(2025, 10, 9), date(2025, 10, 8), None, NOW, SUPERVISOR
        )
    assert refused.value.field == "ends_on"


def test_a_notice_cannot_be_dated_in_the_future(
    app: StaffingApplication, given_deployed_officer: UUID
) -> None:
    later = datetime(2025, 10, 2, tzinfo=UTC)
    with pytest.raises(RuleViolation) as refused:
        app.notify_absence(
            "pc-1234", "annual_leave", date(2025, 10, 9), date(2025, 10, 9), later, NOW, SUPERVISOR
        )
    assert refused.value.field == "notified_at"


def test_an_officer_serving_no_school_has_no_school_to_tell(
    given_registered_officer_and_school: StaffingApplication,
) -> None:
    with pytest.raises(StateConflict) as refused:
        notify(given_registered_officer_and_school, "annual_leave", date(2025, 10, 20))
    assert refused.value.rule == "officer-deployed"
