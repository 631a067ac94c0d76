"""Allegations against staff and searches by school staff, counted per school and term.

Source (Appendix 2): "An allegation of crime made against a member of the school staff will
only be investigated in consultation with the head teacher or their deputy." and pupils
speak because "any information given would be used confidentially" (Report, paragraph 14):
the figures are counts only, restricted records included, and name no record. "The SSPO may
assist staff to search pupils. Where the SSPO searches a pupil a record of the search will be
made on MPS Form 5090": only the officer's own search is the police record; the school's are
counted beside it, never among the stop-and-search figures.
"""

import csv
import io
from typing import Any

import asyncpg
import pytest
from fastapi.testclient import TestClient
from ssp_contracts.events import incidents as i

from services.reporting.tests.builders import received
from services.reporting.tests.performance_stories import NOV, schools, searches, uid
from services.reporting.tests.test_school_searches import school_searches
from services.reporting.views import all_projections, apply_events
from services.runtime.projection import ReceivedEvent
from services.runtime.testing import bearer, refusal_rule

pytestmark = pytest.mark.stack
TERM = "2026-autumn"
AUDITOR = bearer("auditor", "auditor-1")
ANALYST = bearer("analyst", "analyst-1")
HACKNEY = bearer("borough_supervisor", "sergeant-h", borough="Hackney")
NO_SUSPECT = "investigation-complete-no-suspect-identified"
CAUTION = "offender-given-caution"


def allegation(n: int, school: str, kind: type[Any] = i.IncidentReportedV2, **extra: Any) -> Any:
    return kind(
        incident_id=uid(f"allegation-{n}"), school_id=school, occurred_at=NOV,
        location_kind="premises", category="theft-from-the-person",
        came_to_notice="reported_by_pupil", serious=False, outside_protocol_hours=False,
        allegation_against_staff=True, **extra,
    )  # fmt: skip


def closed(n: int, school: str, outcome: Any) -> ReceivedEvent:
    return received(
        i.IncidentClosed(incident_id=uid(f"allegation-{n}"), school_id=school, closed_at=NOV,
                         outcome=outcome)
    )  # fmt: skip


def allegations() -> list[ReceivedEvent]:
    """S1: one the officer recorded (closed, no suspect), one the school keeps to itself (open),
    one the head teacher referred, its referral arriving before the school's record (open);
    S3 (Camden): one referred and closed with a caution; S1 also has an ordinary theft."""
    referral = allegation(3, "S1", i.IncidentReferred, referred_at=NOV, by_rule=False)
    ordinary = allegation(5, "S1").model_copy(update={"allegation_against_staff": False})
    return [
        received(allegation(1, "S1")),
        closed(1, "S1", NO_SUSPECT),
        received(allegation(2, "S1", i.SchoolIncidentRecorded)),
        received(referral),
        received(allegation(3, "S1", i.SchoolIncidentRecorded)),
        received(allegation(4, "S3")),
        closed(4, "S3", CAUTION),
        received(ordinary),
    ]


@pytest.fixture
async def autumn(read_models: asyncpg.Connection, api: TestClient) -> TestClient:
    events = [*schools(), *allegations(), *searches(), *school_searches()]
    async with read_models.transaction():
        await apply_events(read_models, all_projections(), events)
    return api


def test_allegations_and_school_searches_are_counted_per_school_and_term(
    autumn: TestClient,
) -> None:
    answer = autumn.get("/performance/allegations", params={"term": TERM}, headers=ANALYST)
    assert answer.status_code == 200, answer.text
    assert answer.json() == [
        {"school_id": "S3", "borough": "Camden", "term": TERM, "recorded": 1, "referred": 1,
         "open": 0, "by_outcome": {CAUTION: 1}},
        {"school_id": "S1", "borough": "Hackney", "term": TERM, "recorded": 3, "referred": 2,
         "open": 2, "by_outcome": {NO_SUSPECT: 1, "open": 2}},
    ]  # fmt: skip
    # A borough's supervisor sees their own borough's; another borough is refused
    mine = autumn.get("/performance/allegations", headers=HACKNEY).json()
    assert [r["school_id"] for r in mine] == ["S1"]
    other = autumn.get("/performance/allegations", params={"borough": "Camden"}, headers=HACKNEY)
    assert (other.status_code, refusal_rule(other)) == (403, "outside-scope")
    staff = bearer("school_staff", "staff-1", school="S1")
    denied = autumn.get("/performance/allegations", headers=staff)
    assert (denied.status_code, refusal_rule(denied)) == (403, "role-not-permitted")
    # The inputs behind the counts say what each allegation was counted as, naming no record
    explained = autumn.get(
        "/performance/allegations", params={"explain": "1", "borough": "Hackney"}, headers=AUDITOR
    ).json()
    inputs = explained["inputs"]
    assert len(inputs) == explained["figures"][0]["recorded"] == 3
    assert all(set(r) == {"school_id", "borough", "term", "referred", "outcome"} for r in inputs)
    assert sorted((r["referred"], r["outcome"]) for r in inputs) == [
        (False, "open"), (True, NO_SUSPECT), (True, "open"),
    ]  # fmt: skip
    as_csv = autumn.get("/performance/allegations", params={"format": "csv"}, headers=AUDITOR)
    rows = list(csv.DictReader(io.StringIO(as_csv.text)))
    assert [(r["school_id"], r["recorded"], r["by_outcome"]) for r in rows] == [
        ("S3", "1", f'{{"{CAUTION}":1}}'),
        ("S1", "3", f'{{"{NO_SUSPECT}":1,"open":2}}'),
    ]
    # (one database for both figures: each story's fixture costs a migration)
    searches_stand_apart_from_police_searches(autumn)


def searches_stand_apart_from_police_searches(autumn: TestClient) -> None:
    """Searches by school staff are counted per school and term, apart from the officers'."""
    answer = autumn.get("/performance/school-searches", params={"term": TERM}, headers=AUDITOR)
    assert answer.status_code == 200, answer.text
    # S1: the school's two (both of pupils), the officers' four (three of pupils)
    assert answer.json() == [
        {"school_id": "S1", "borough": "Hackney", "term": TERM, "school_searches": 2,
         "school_searches_of_pupils": 2, "police_searches": 4},
    ]  # fmt: skip
    explained = autumn.get(
        "/performance/school-searches", params={"explain": "1"}, headers=AUDITOR
    ).json()
    by = sorted((r["searched_by"], r["search_id"]) for r in explained["inputs"])
    assert [b for b, _ in by] == ["police"] * 4 + ["school"] * 2
    assert {s for b, s in by if b == "school"} == {uid("school-search-1"), uid("school-search-2")}
