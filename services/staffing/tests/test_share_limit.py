"""An officer's shares of time never exceed 100%."""

from datetime import date
from uuid import UUID

import pytest

from services.runtime.domain import RuleViolation
from services.staffing.application import StaffingApplication
from services.staffing.tests.conftest import SUPERVISOR, deploy, register_school


@pytest.fixture
def given_two_schools(
    given_registered_officer_and_school: StaffingApplication,
) -> StaffingApplication:
    """warwick-boys and highams-park in the officer's borough."""
    register_school(given_registered_officer_and_school, "highams-park")
    return given_registered_officer_and_school


def test_shares_may_add_up_to_exactly_100(given_two_schools: StaffingApplication) -> None:
    # When the officer gives 60% to one school and 40% to another
    deploy(given_two_schools, "warwick-boys", 60)
    deploy(given_two_schools, "highams-park", 40)
    # Then they are fully allocated, serving both
    officer = given_two_schools.get_officer("pc-1234")
    assert officer.share_allocated == 100
    assert officer.school_ids == ["highams-park", "warwick-boys"]


def test_a_share_beyond_100_is_refused_and_nothing_is_saved(
    given_two_schools: StaffingApplication,
) -> None:
    # Given 60% is already deployed
    deploy(given_two_schools, "warwick-boys", 60)
    # When another 50% is asked for
    with pytest.raises(RuleViolation) as refused:
        deploy(given_two_schools, "highams-park", 50)
    # Then the rule names the field and what is left
    assert (refused.value.rule, refused.value.field) == ("share-limit", "share_percent")
    assert "40%" in refused.value.message
    # And no deployment was recorded for the second school
    assert given_two_schools.deployments_at("highams-park", date(2025, 9, 2)) == []
    assert given_two_schools.get_officer("pc-1234").share_allocated == 60


def test_ending_a_deployment_frees_its_share(
    given_two_schools: StaffingApplication, given_deployed_officer: UUID
) -> None:
    # Given the officer is deployed full time; when that deployment ends
    given_two_schools.end_deployment(
        given_deployed_officer, date(2026, 1, 1), "school_request", "", SUPERVISOR
    )
    # Then the officer can be deployed full time elsewhere
    deploy(given_two_schools, "highams-park", 100)
    assert given_two_schools.get_officer("pc-1234").school_ids == ["highams-park"]


def test_an_officer_serves_only_schools_of_their_borough(
    given_registered_officer_and_school: StaffingApplication,
) -> None:
    app = given_registered_officer_and_school
    app.register_school(
        school_id="camden-school",
        name="Camden School",
        borough="camden",
        phase="secondary",
        pupil_count=800,
        programme="schools_involvement",
        actor=SUPERVISOR,
    )
    with pytest.raises(RuleViolation) as refused:
        deploy(app, "camden-school", 50)
    assert (refused.value.rule, refused.value.field) == ("deploy-within-borough", "school_id")


def test_a_cluster_deployment_serves_the_secondary_and_its_primaries(
    given_registered_officer_and_school: StaffingApplication,
) -> None:
    app = given_registered_officer_and_school
    # Given warwick-boys leads a cluster of two primary schools
    register_school(app, "chase-lane", "primary")
    register_school(app, "selwyn", "primary")
    app.form_cluster("warwick-boys", ["chase-lane", "selwyn"], SUPERVISOR)
    # When the officer is deployed to the cluster
    deployment_id = app.deploy(
        officer_id="pc-1234",
        school_id="warwick-boys",
        to_cluster=True,
        share_percent=100,
        start_date=date(2025, 9, 1),
        tenure_end=None,
        actor=SUPERVISOR,
    )
    # Then the deployment covers all three schools
    deployment = app.get_deployment(deployment_id)
    assert deployment.school_ids == ["warwick-boys", "chase-lane", "selwyn"]
    assert [d.id for d in app.deployments_at("selwyn", date(2025, 9, 2))] == [deployment_id]
