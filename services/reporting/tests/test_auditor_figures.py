"""The auditor reads every figure, as JSON and CSV, and each with the inputs behind it."""

import csv
import io

import asyncpg
import pytest
from fastapi.testclient import TestClient

from services.reporting.tests import figures_stories as story
from services.reporting.views import all_projections, apply_events
from services.runtime.testing import bearer

pytestmark = pytest.mark.stack
AUDITOR = bearer("auditor", "auditor-1")
HACKNEY_SUPERVISOR = bearer("borough_supervisor", "sergeant-h", borough="Hackney")
END = "2026-12-31T23:00:00Z"
FIGURES = [
    ("/performance/value-for-money", {"term": story.TERM, "as_of": END}),
    ("/performance/indicators", {}),
    ("/performance/disclosures", {"as_of": END}),
    ("/performance/incidents", {"term": story.TERM}),
    ("/performance/outcomes", {"term": story.TERM}),
    ("/performance/searches", {}),
    ("/performance/outstanding", {}),
    ("/abstraction", {"level": "school"}),
    ("/performance/comparison", {"term": story.TERM}),
    ("/performance/baseline", {"term": story.TERM}),
    ("/performance/search-ethnicity", {"term": story.TERM}),
]


@pytest.fixture
async def autumn(read_models: asyncpg.Connection, api: TestClient) -> TestClient:
    async with read_models.transaction():
        await apply_events(read_models, all_projections(), story.everything())
    return api


@pytest.mark.parametrize(("path", "params"), FIGURES)
def test_the_auditor_reads_each_figure_as_json_and_csv(
    autumn: TestClient, path: str, params: dict[str, str]
) -> None:
    as_json = autumn.get(path, params=params, headers=AUDITOR)
    assert as_json.status_code == 200, as_json.text
    as_csv = autumn.get(path, params={**params, "format": "csv"}, headers=AUDITOR)
    assert as_csv.status_code == 200, as_csv.text
    assert len(list(csv.DictReader(io.StringIO(as_csv.text)))) == len(as_json.json())
    explained = autumn.get(path, params={**params, "explain": "1"}, headers=AUDITOR)
    assert explained.status_code == 200, explained.text
    assert set(explained.json()) == {"figures", "inputs"}


def test_the_inputs_behind_the_cost_are_the_deployments_and_incidents(
    autumn: TestClient,
) -> None:
    answer = autumn.get(
        "/performance/value-for-money",
        params={"term": story.TERM, "as_of": END, "borough": "Hackney", "explain": "1"},
        headers=AUDITOR,
    ).json()
    deployments = {
        (d["officer_id"], d["share_percent"], d["days_valid"])
        for d in answer["inputs"]["deployments"]
    }
    # D's deployment ended on 31 Oct: 55 of the term's 103 days; B's two halves
    assert {("D", 100, 55), ("B", 50, 103), ("P", 100, 103)} <= deployments
    dealt = answer["inputs"]["incidents_dealt_with"]
    assert [i["incident_id"] for i in dealt] == [story.uid("incident-1")]
    # Figures are numbers, not strings, in JSON
    [ssp, _] = answer["figures"]
    assert isinstance(ssp["period_cost"], float) and isinstance(ssp["fte"], float)


def test_the_breaches_of_a_school_come_with_their_shifts(autumn: TestClient) -> None:
    answer = autumn.get(
        "/abstraction", params={"level": "school", "key": "S2", "explain": "1"}, headers=AUDITOR
    ).json()
    [s2] = answer["figures"]
    assert s2["ring_fence_breaches"] == 0.5
    assert [(r["officer_id"], r["weight"], r["breach"]) for r in answer["inputs"]] == [
        ("B", 0.5, True),
        ("B", 0.5, False),
    ]


def test_explain_answers_json_only(autumn: TestClient) -> None:
    answer = autumn.get(
        "/performance/indicators", params={"format": "csv", "explain": "1"}, headers=AUDITOR
    )
    assert answer.status_code == 422
    assert answer.json()["detail"]["rule"] == "explain-json-only"


def test_a_supervisor_explains_only_their_borough(autumn: TestClient) -> None:
    answer = autumn.get(
        "/performance/value-for-money",
        params={"term": story.TERM, "as_of": END, "explain": "1"},
        headers=HACKNEY_SUPERVISOR,
    ).json()
    assert {d["borough"] for d in answer["inputs"]["deployments"]} == {"Hackney"}


@pytest.mark.parametrize("path", ["/performance/value-for-money", "/performance/comparison"])
def test_a_term_outside_the_calendar_is_a_422(autumn: TestClient, path: str) -> None:
    answer = autumn.get(path, params={"term": "0000-autumn"}, headers=AUDITOR)
    assert (answer.status_code, answer.json()["detail"]["rule"]) == (422, "term")
