"""Tenure: at least 3 years, extendable in steps to at most 5 in all; ending needs a reason."""

from datetime import date
from uuid import UUID

import pytest

from services.runtime.domain import RuleViolation, StateConflict
from services.staffing.application import StaffingApplication
from services.staffing.tests.conftest import SUPERVISOR, deploy


def test_a_deployment_runs_three_years_unless_told_otherwise(
    given_registered_officer_and_school: StaffingApplication,
) -> None:
    app = given_registered_officer_and_school
    # When an officer is deployed from 1 September 2025 without a tenure end
    deployment = app.get_deployment(deploy(app))
    # Then the tenure ends three years on, as recommended
    assert deployment.tenure_end == date(2028, 9, 1)
    assert not deployment.below_recommended_tenure


@pytest.mark.parametrize("tenure_end", [date(2026, 7, 20), date(2028, 8, 31)])
def test_a_tenure_shorter_than_three_years_is_recorded_and_flagged(
    given_registered_officer_and_school: StaffingApplication, tenure_end: date
) -> None:
    # "Officers should have a minimum tenure of 3 years with the option of extending their time
    # in the post to 5 years." A recommendation: cover for a term is recorded, not refused.
    app = given_registered_officer_and_school
    deployment = app.get_deployment(deploy(app, tenure_end=tenure_end))
    assert deployment.tenure_end == tenure_end
    assert deployment.below_recommended_tenure


def test_five_years_count_the_officers_whole_time_at_the_school(
    given_registered_officer_and_school: StaffingApplication,
) -> None:
    # "... the option of extending their time in the post to 5 years": the time in the post, so
    # a redeployment to the same school does not start a new five years.
    app = given_registered_officer_and_school
    first = deploy(app, tenure_end=date(2028, 8, 31))  # 1 Sep 2025 - 31 Aug 2028: 3 years
    app.end_deployment(first, date(2028, 8, 31), "transfer", "", SUPERVISOR)
    # When the officer comes back to the same school, only 2 more years are left
    app.record_review("warwick-boys", date(2029, 7, 1), SUPERVISOR, "Annual review", [])
    again = deploy(app, start=date(2029, 9, 1), tenure_end=date(2031, 8, 31))
    assert app.get_deployment(again).tenure_end == date(2031, 8, 31)
    with pytest.raises(RuleViolation) as refused:
        app.extend_deployment(again, date(2031, 9, 30), SUPERVISOR)
    assert refused.value.rule == "tenure-maximum-5-years"
    assert "1096 days at these schools before" in refused.value.message


def test_a_tenure_longer_than_five_years_is_refused(
    given_registered_officer_and_school: StaffingApplication,
) -> None:
    with pytest.raises(RuleViolation) as refused:
        deploy(given_registered_officer_and_school, tenure_end=date(2030, 9, 2))
    assert refused.value.rule == "tenure-maximum-5-years"


def test_a_tenure_is_extended_in_steps_up_to_five_years(
    app: StaffingApplication, given_deployed_officer: UUID
) -> None:
    # When the tenure is extended by a year, then by another
    app.extend_deployment(given_deployed_officer, date(2029, 9, 1), SUPERVISOR)
    app.extend_deployment(given_deployed_officer, date(2030, 9, 1), SUPERVISOR)
    # Then it ends five years after the start
    assert app.get_deployment(given_deployed_officer).tenure_end == date(2030, 9, 1)
    # And a step beyond five years in all is refused
    with pytest.raises(RuleViolation) as refused:
        app.extend_deployment(given_deployed_officer, date(2030, 9, 2), SUPERVISOR)
    assert refused.value.rule == "tenure-maximum-5-years"
    assert app.get_deployment(given_deployed_officer).tenure_end == date(2030, 9, 1)


def test_an_extension_must_move_the_end_later(
    app: StaffingApplication, given_deployed_officer: UUID
) -> None:
    with pytest.raises(RuleViolation) as refused:
        app.extend_deployment(given_deployed_officer, date(2028, 1, 1), SUPERVISOR)
    assert (refused.value.rule, refused.value.field) == ("extension-later", "tenure_end")


def test_an_ended_deployment_cannot_be_extended_or_ended_again(
    app: StaffingApplication, given_deployed_officer: UUID
) -> None:
    # Given the deployment ended on transfer
    app.end_deployment(given_deployed_officer, date(2026, 7, 20), "transfer", "", SUPERVISOR)
    # Then extending it or ending it again conflicts with its state
    with pytest.raises(StateConflict):
        app.extend_deployment(given_deployed_officer, date(2029, 9, 1), SUPERVISOR)
    with pytest.raises(StateConflict):
        app.end_deployment(given_deployed_officer, date(2026, 7, 21), "other", "", SUPERVISOR)
    assert app.get_deployment(given_deployed_officer).end_reason == "transfer"


def test_a_deployment_cannot_end_before_it_started(
    app: StaffingApplication, given_deployed_officer: UUID
) -> None:
    with pytest.raises(RuleViolation) as refused:
        app.end_deployment(given_deployed_officer, date(2025, 8, 1), "transfer", "", SUPERVISOR)
    assert refused.value.field == "ended_on"


def test_tenures_ending_within_n_months_are_listed(
    app: StaffingApplication, given_deployed_officer: UUID
) -> None:
    # Given a tenure that ends on 1 September 2028
    # Then it is listed 6 months before but not 7
    assert [d.id for d in app.tenures_ending(date(2028, 3, 1), 6, None)] == [given_deployed_officer]
    assert app.tenures_ending(date(2028, 1, 31), 6, None) == []
    # And no longer once the deployment ended
    app.end_deployment(given_deployed_officer, date(2028, 3, 2), "tenure_completed", "", SUPERVISOR)
    assert app.tenures_ending(date(2028, 3, 1), 6, None) == []
