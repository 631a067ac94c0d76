"""Schools: clusters of a secondary and its primaries; the protocol's annual review."""

from datetime import date

import pytest
from fastapi.testclient import TestClient

from services.runtime.domain import RuleViolation, StateConflict
from services.staffing.application import StaffingApplication
from services.staffing.tests.conftest import BOROUGH, SUPERVISOR, register_school, supervisor


@pytest.fixture
def given_signed_protocol(app: StaffingApplication) -> StaffingApplication:
    """warwick-boys signed its protocol on 1 September 2024."""
    register_school(app, "warwick-boys", signed=False)
    app.sign_protocol("warwick-boys", date(2024, 9, 1), SUPERVISOR, "J. Head", "C. Commander")
    return app


def test_a_review_not_held_within_a_year_is_overdue(
    given_signed_protocol: StaffingApplication,
) -> None:
    app = given_signed_protocol
    # On the anniversary it is due, the day after overdue
    assert app.overdue_reviews(date(2025, 9, 1), None) == []
    assert [s.school_id for s in app.overdue_reviews(date(2025, 9, 2), None)] == ["warwick-boys"]
    # When the review is held, the next is due a year on
    app.record_review("warwick-boys", date(2025, 9, 15), SUPERVISOR)
    assert app.overdue_reviews(date(2026, 9, 15), None) == []
    assert app.get_school("warwick-boys").review_due == date(2026, 9, 15)
    # And listings by another borough do not show it
    assert app.overdue_reviews(date(2027, 1, 1), "camden") == []


def test_a_protocol_is_versioned_and_reviewed_after_signing(
    given_signed_protocol: StaffingApplication,
) -> None:
    app = given_signed_protocol
    with pytest.raises(RuleViolation) as earlier:
        app.sign_protocol("warwick-boys", date(2024, 8, 1), SUPERVISOR, "J. Head", "C. Cdr")
    assert (earlier.value.rule, earlier.value.field) == ("protocol-version-order", "signed_on")
    app.sign_protocol("warwick-boys", date(2025, 9, 1), SUPERVISOR, "K. Head", "C. Commander")
    school = app.get_school("warwick-boys")
    assert [(v["version"], v["head_teacher"]) for v in school.protocol_versions] == [
        (1, "J. Head"),
        (2, "K. Head"),
    ]
    assert school.review_due == date(2026, 9, 1)
    with pytest.raises(RuleViolation) as refused:
        app.record_review("warwick-boys", date(2024, 8, 1), SUPERVISOR)
    assert (refused.value.rule, refused.value.field) == ("review-after-previous", "held_on")


def test_an_unsigned_school_has_no_review_to_hold(app: StaffingApplication) -> None:
    register_school(app, "warwick-boys", signed=False)
    with pytest.raises(StateConflict):
        app.record_review("warwick-boys", date(2025, 9, 1), SUPERVISOR)


def test_a_cluster_is_a_secondary_with_primaries(app: StaffingApplication) -> None:
    register_school(app, "warwick-boys")
    register_school(app, "chase-lane", "primary")
    register_school(app, "leytonstone", "secondary")
    # A primary cannot lead, and a secondary cannot be a member
    with pytest.raises(RuleViolation) as lead:
        app.form_cluster("chase-lane", ["chase-lane"], SUPERVISOR)
    assert lead.value.rule == "cluster-lead-secondary"
    with pytest.raises(RuleViolation) as member:
        app.form_cluster("warwick-boys", ["chase-lane", "leytonstone"], SUPERVISOR)
    assert (member.value.rule, member.value.field) == (
        "cluster-members-primary",
        "primary_school_ids",
    )
    app.form_cluster("warwick-boys", ["chase-lane"], SUPERVISOR)
    assert app.get_school("warwick-boys").primary_school_ids == ["chase-lane"]


def test_a_school_is_registered_once(app: StaffingApplication) -> None:
    register_school(app, "warwick-boys")
    with pytest.raises(StateConflict) as refused:
        register_school(app, "warwick-boys")
    assert refused.value.field == "school_id"


def test_a_census_counts_pupils_by_group_and_is_not_replaced_by_an_older_one(
    client: TestClient,
) -> None:
    # Given a school, the census of October 2025 by broad ethnic group
    response = client.post(
        "/schools",
        json={"school_id": "warwick-boys", "name": "Warwick Boys", "borough": BOROUGH,
              "phase": "secondary", "pupil_count": 900, "programme": "safer_schools_partnership"},
        headers=supervisor(),
    )  # fmt: skip
    assert response.status_code == 201, response.text
    census = {"White": 400, "Black": 250, "Asian": 150, "Mixed": 70, "Other": 30}
    body = {"census_date": "2025-10-02", "pupils_by_ethnicity": census}
    recorded = client.put("/schools/warwick-boys/census", json=body, headers=supervisor())
    assert recorded.status_code == 200, recorded.text
    # Then an older census is refused, and so is an unknown group
    older = client.put(
        "/schools/warwick-boys/census", json={**body, "census_date": "2025-01-16"},
        headers=supervisor(),
    )  # fmt: skip
    assert (older.status_code, older.json()["detail"]["rule"]) == (422, "census-not-older")
    unknown = client.put(
        "/schools/warwick-boys/census",
        json={**body, "pupils_by_ethnicity": {"Martian": 3}},
        headers=supervisor(),
    )
    assert unknown.status_code == 422
    assert unknown.json()["detail"]["field"].startswith("pupils_by_ethnicity")
    # And another borough's supervisor may not record it
    other = client.put("/schools/warwick-boys/census", json=body, headers=supervisor("camden"))
    assert other.status_code == 403
