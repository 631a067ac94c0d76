"""A borough supervisor sees their borough; analysts see everything; CSV on request."""

import csv
import io
import json

import asyncpg
import pytest
from fastapi.testclient import TestClient

from services.reporting.tests.abstraction_stories import hackney_and_camden, project
from services.reporting.tests.disclosure_stories import deployments, disclosures
from services.reporting.tests.performance_stories import (
    incident,
    incidents,
    schools,
    searches,
)
from services.reporting.views import all_projections, apply_events
from services.runtime.testing import bearer, refusal_rule

pytestmark = pytest.mark.stack
HACKNEY_SUPERVISOR = bearer("borough_supervisor", "sergeant-h", borough="Hackney")
ANALYST = bearer("analyst", "analyst-1")


@pytest.fixture
async def given_two_boroughs(read_models: asyncpg.Connection, api: TestClient) -> TestClient:
    await project(read_models, hackney_and_camden())
    return api


def test_a_supervisor_sees_only_their_borough(given_two_boroughs: TestClient) -> None:
    answer = given_two_boroughs.get(
        "/abstraction", params={"level": "school"}, headers=HACKNEY_SUPERVISOR
    )
    assert answer.status_code == 200, answer.text
    assert {r["borough"] for r in answer.json()} == {"Hackney"}


def test_a_supervisor_asking_for_another_borough_is_refused(given_two_boroughs: TestClient) -> None:
    other = given_two_boroughs.get(
        "/abstraction", params={"borough": "Camden"}, headers=HACKNEY_SUPERVISOR
    )
    assert other.status_code == 403
    assert other.json()["detail"]["rule"] == "outside-scope"
    assert "Hackney, not Camden" in other.json()["detail"]["message"]
    london = given_two_boroughs.get(
        "/abstraction", params={"level": "london"}, headers=HACKNEY_SUPERVISOR
    )
    assert london.status_code == 403
    assert london.json()["detail"] == {
        "rule": "outside-scope",
        "message": "London-wide figures are for London-wide roles, not one borough's",
        "field": "level",
    }


def test_a_supervisor_token_without_a_borough_is_refused(given_two_boroughs: TestClient) -> None:
    answer = given_two_boroughs.get(
        "/abstraction", headers=bearer("borough_supervisor", "sergeant-x")
    )
    assert answer.status_code == 403
    assert answer.json()["detail"]["rule"] == "scope-claim-required"


def test_an_analyst_sees_every_borough_and_london(given_two_boroughs: TestClient) -> None:
    boroughs = given_two_boroughs.get("/abstraction", headers=ANALYST).json()
    assert {r["key"] for r in boroughs} == {"Hackney", "Camden"}
    [london] = given_two_boroughs.get(
        "/abstraction", params={"level": "london"}, headers=ANALYST
    ).json()
    assert london["rostered_hours"] == 72


def test_csv_carries_the_same_figures(given_two_boroughs: TestClient) -> None:
    answer = given_two_boroughs.get(
        "/abstraction", params={"level": "borough", "format": "csv"}, headers=ANALYST
    )
    assert answer.headers["content-type"].startswith("text/csv")
    rows = {r["key"]: r for r in csv.DictReader(io.StringIO(answer.text))}
    assert float(rows["Hackney"]["abstracted_hours"]) == 12
    assert json.loads(rows["Hackney"]["hours_by_category"]) == {"aid_local": 4.0, "court": 8.0}


def test_a_bad_threshold_names_the_field(given_two_boroughs: TestClient) -> None:
    answer = given_two_boroughs.get("/abstraction", params={"threshold": 2}, headers=ANALYST)
    assert answer.status_code == 422
    assert answer.json()["detail"]["field"] == "query.threshold"
    assert answer.json()["detail"]["rule"] == "less-than-equal"


@pytest.fixture
async def given_a_term_of_incidents(read_models: asyncpg.Connection, api: TestClient) -> TestClient:
    events = [*schools(), *incidents(), *searches(), *deployments(), *disclosures()]
    async with read_models.transaction():
        await apply_events(read_models, all_projections(), events)
    # A Camden incident, which a Hackney supervisor must not see
    async with read_models.transaction():
        await apply_events(read_models, all_projections(), [incident(9, "S3", "robbery", True)])
    return api


@pytest.mark.parametrize(
    "path",
    [
        "/performance/incidents",
        "/performance/outcomes",
        "/performance/outstanding",
        "/performance/searches",
        "/performance/disclosures",
    ],
)
def test_performance_views_keep_to_the_supervisors_borough(
    given_a_term_of_incidents: TestClient, path: str
) -> None:
    mine = given_a_term_of_incidents.get(path, headers=HACKNEY_SUPERVISOR)
    assert mine.status_code == 200, mine.text
    assert mine.json() and {r["borough"] for r in mine.json()} == {"Hackney"}
    everyone = given_a_term_of_incidents.get(path, headers=ANALYST).json()
    other = given_a_term_of_incidents.get(
        path, params={"borough": "Camden"}, headers=HACKNEY_SUPERVISOR
    )
    assert other.status_code == 403
    assert refusal_rule(other) == "outside-scope"
    if path in ("/performance/incidents", "/performance/outcomes", "/performance/outstanding"):
        assert "Camden" in {r["borough"] for r in everyone}


def test_value_for_money_as_csv(given_a_term_of_incidents: TestClient) -> None:
    answer = given_a_term_of_incidents.get(
        "/performance/value-for-money",
        params={"term": "2026-autumn", "as_of": "2026-11-13T10:00:00Z", "format": "csv"},
        headers=ANALYST,
    )
    assert answer.status_code == 200, answer.text
    rows = {r["area"]: r for r in csv.DictReader(io.StringIO(answer.text))}
    # No officer of this story was registered with a rank: counted, and said to be uncosted
    london = rows["London"]
    assert (london["programme"], london["officers"], london["schools"]) == (
        "safer_schools_partnership",
        "4",
        "3",
    )
    assert london["notes"] == '["rank not known: not costed"]' and london["period_cost"] == "0.0"
    bad_term = given_a_term_of_incidents.get(
        "/performance/value-for-money", params={"term": "autumn"}, headers=ANALYST
    )
    assert bad_term.status_code == 422
    assert bad_term.json()["detail"]["field"] == "query.term"
    assert refusal_rule(bad_term) == "string-pattern-mismatch"
