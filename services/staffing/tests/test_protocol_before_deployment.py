"""No deployment before a signed, current protocol; the protocol is a versioned, reviewed record.

Source, the report's KPMG findings: "Agreeing policies and protocols relating to police powers
prior to the deployment of officers in schools is essential;" and Appendix 2, Other Issues:
"A review of the SSPO Partnership will take place at the end of each year."
"""

from datetime import date

import pytest
from fastapi.testclient import TestClient

from services.runtime.domain import RuleViolation
from services.runtime.testing import bearer
from services.staffing.application import StaffingApplication
from services.staffing.domain.school import School
from services.staffing.tests.conftest import (
    BOROUGH,
    SUPERVISOR,
    deploy,
    register_officer,
    register_school,
    supervisor,
)


@pytest.fixture
def given_unsigned_school(app: StaffingApplication) -> StaffingApplication:
    register_school(app, "warwick-boys", signed=False)
    register_officer(app)
    return app


def refusal(app: StaffingApplication, start: date) -> str:
    with pytest.raises(RuleViolation) as refused:
        deploy(app, start=start)
    assert (refused.value.rule, refused.value.field) == ("protocol-before-deployment", "school_id")
    return refused.value.message


def test_a_school_without_a_signed_protocol_gets_no_officer(
    given_unsigned_school: StaffingApplication,
) -> None:
    app = given_unsigned_school
    assert "has no signed protocol" in refusal(app, date(2025, 9, 1))
    # Signed after the deployment would start: still refused
    app.sign_protocol("warwick-boys", date(2025, 9, 2), SUPERVISOR, "J. Head", "C. Commander")
    assert "after the start" in refusal(app, date(2025, 9, 1))
    # Signed before it: the officer is deployed
    assert deploy(app, start=date(2025, 9, 3))


def test_a_protocol_whose_annual_review_was_missed_is_not_current(
    given_unsigned_school: StaffingApplication,
) -> None:
    app = given_unsigned_school
    app.sign_protocol("warwick-boys", date(2024, 9, 2), SUPERVISOR, "J. Head", "C. Commander")
    assert "missed its annual protocol review" in refusal(app, date(2025, 9, 3))
    app.record_review(
        "warwick-boys", date(2025, 9, 1), SUPERVISOR, "Reviewed with governors", ["New gate rota"]
    )
    assert deploy(app, start=date(2025, 9, 3))


def test_every_school_of_a_cluster_needs_its_protocol(app: StaffingApplication) -> None:
    register_school(app, "warwick-boys")
    register_school(app, "chase-lane", "primary", signed=False)
    register_officer(app)
    app.form_cluster("warwick-boys", ["chase-lane"], SUPERVISOR)
    with pytest.raises(RuleViolation) as refused:
        app.deploy(
            officer_id="pc-1234", school_id="warwick-boys", to_cluster=True, share_percent=100,
            start_date=date(2025, 9, 1), tenure_end=None, actor=SUPERVISOR,
        )  # fmt: skip
    assert refused.value.rule == "protocol-before-deployment"
    assert "chase-lane" in refused.value.message


def test_protocols_signed_before_versions_read_as_version_one() -> None:
    state: dict[str, object] = {"signed_on": date(2024, 9, 2)}
    School.ProtocolSigned.upcast_v1_v2(state)
    assert (state["version"], state["head_teacher"]) == (1, "")
    review: dict[str, object] = {}
    School.Reviewed.upcast_v1_v2(review)
    assert review == {"minutes": "", "actions": []}


def test_the_protocol_record_through_the_api(client: TestClient) -> None:
    school = {
        "school_id": "warwick-boys", "name": "Warwick Boys", "borough": BOROUGH,
        "phase": "secondary", "pupil_count": 900, "programme": "safer_schools_partnership",
    }  # fmt: skip
    assert client.post("/schools", json=school, headers=supervisor()).status_code == 201
    url = "/schools/warwick-boys/protocol"
    # Both signatories are required, and only the borough's supervisor records them
    unsigned = client.post(url, json={"signed_on": "2025-06-02"}, headers=supervisor())
    assert (unsigned.status_code, unsigned.json()["detail"]["field"]) == (422, "head_teacher")
    assert unsigned.json()["detail"]["rule"] == "missing"
    body = {"signed_on": "2025-06-02", "head_teacher": "J. Head", "borough_commander": "C. Cdr"}
    head = bearer("head_teacher", "head-1", school="warwick-boys")
    by_head = client.post(url, json=body, headers=head)
    assert (by_head.status_code, by_head.json()["detail"]["rule"]) == (403, "role-not-permitted")
    other = client.post(url, json=body, headers=supervisor("camden"))
    assert other.status_code in (403, 404)
    assert client.post(url, json=body, headers=supervisor()).status_code == 200
    # A review needs its minutes
    reviews = "/schools/warwick-boys/reviews"
    no_minutes = client.post(reviews, json={"held_on": "2026-06-01"}, headers=supervisor())
    assert (no_minutes.status_code, no_minutes.json()["detail"]["field"]) == (422, "minutes")
    review = {"held_on": "2026-06-01", "minutes": "All well", "actions": ["Gate rota"]}
    assert client.post(reviews, json=review, headers=supervisor()).status_code == 200
    record = client.get(url, headers=head).json()
    assert [(v["version"], v["head_teacher"]) for v in record["versions"]] == [(1, "J. Head")]
    assert record["reviews"] == [
        {"held_on": "2026-06-01", "minutes": "All well", "actions": ["Gate rota"]}
    ]
    assert record["review_due"] == "2027-06-01"
    elsewhere = bearer("head_teacher", "head-2", school="chase-lane")
    assert client.get(url, headers=elsewhere).status_code in (403, 404)
