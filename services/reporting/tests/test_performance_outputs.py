"""Performance framework outputs on a hand-worked autumn term.

S1 (1,000 pupils) has two robberies and a bullying incident the school dealt with
internally; S2 (500 pupils) has one drugs incident. One arrest at S1 on the premises, one
at S2 off them. Four searches at S1: two with an outcome linked to the object of search.
"""

import asyncpg
import pytest

from services.reporting.queries import performance as q
from services.reporting.tests.performance_stories import incidents, indicators, schools, searches
from services.reporting.views import all_projections, apply_events

pytestmark = pytest.mark.stack
TERM = "2026-autumn"


@pytest.fixture
async def given_an_autumn_term(read_models: asyncpg.Connection) -> asyncpg.Connection:
    async with read_models.transaction():
        await apply_events(read_models, all_projections(), [*schools(), *incidents(), *searches()])
    return read_models


async def test_incidents_per_thousand_pupils(given_an_autumn_term: asyncpg.Connection) -> None:
    rows = await q.incident_rates(given_an_autumn_term, borough=None, term=TERM)
    rates = {(r["school_id"], r["category"]): r["per_1000_pupils"] for r in rows}
    # 2 robberies / 1,000 pupils; 1 bullying / 1,000; 1 drugs / 500 pupils
    assert rates == {("S1", "robbery"): 2.0, ("S1", "bullying"): 1.0, ("S2", "drugs"): 2.0}
    assert {r["term"] for r in rows} == {TERM}


async def test_internal_handling_and_arrests(given_an_autumn_term: asyncpg.Connection) -> None:
    rows = {
        r["school_id"]: r
        for r in await q.school_outcomes(given_an_autumn_term, borough="Hackney", term=TERM)
    }
    s1, s2 = rows["S1"], rows["S2"]
    assert (s1["incidents"], s1["handled_internally"], s1["internal_share"]) == (3, 1, 0.3333)
    assert (s1["arrests"], s1["arrests_on_premises"]) == (1, 1)
    assert (s2["internal_share"], s2["arrests"], s2["arrests_on_premises"]) == (0.0, 1, 0)


async def test_searches_by_outcome_and_ethnicity(given_an_autumn_term: asyncpg.Connection) -> None:
    [hackney] = await q.searches(given_an_autumn_term, borough="Hackney", term=TERM)
    assert (hackney["searches"], hackney["linked"], hackney["linked_share"]) == (4, 2, 0.5)
    assert hackney["by_outcome"] == {
        "A no further action disposal": 2,
        "Arrest": 1,
        "Community resolution": 1,
    }
    assert hackney["by_officer_defined_ethnicity"] == {"Black": 2, "White": 2}
    assert sum(hackney["by_self_defined_ethnicity"].values()) == 4


async def test_a_term_without_data_is_empty(given_an_autumn_term: asyncpg.Connection) -> None:
    assert await q.incident_rates(given_an_autumn_term, borough=None, term="2027-spring") == []


async def test_indicators_with_the_change_from_the_previous_term(
    read_models: asyncpg.Connection,
) -> None:
    # S1 summer: 10 bullying, 100 truant sessions, 3 fixed-term, 0 permanent exclusions;
    # autumn first said 8/95/3/0, then a correction (revision 2) says 6/90/4/1.
    # S2 reports autumn only; S3 reports spring and autumn, which are not consecutive.
    events = [
        *schools(),
        indicators("S1", "2026-summer", 1, (10, 100, 3, 0)),
        indicators("S1", "2026-autumn", 2, (6, 90, 4, 1)),
        indicators("S1", "2026-autumn", 1, (8, 95, 3, 0)),  # the older revision arrives late
        indicators("S2", "2026-autumn", 1, (1, 10, 0, 0)),
        indicators("S3", "2026-spring", 1, (5, 5, 5, 5)),
        indicators("S3", "2026-autumn", 1, (4, 4, 4, 4)),
    ]
    async with read_models.transaction():
        await apply_events(read_models, all_projections(), events)
    rows = {r["school_id"]: r for r in await q.indicators(read_models, borough=None, term=TERM)}
    s1 = rows["S1"]
    assert (s1["revision"], s1["bullying"], s1["truancy_sessions"]) == (2, 6, 90)
    # Hackney's calendar gives autumn 2 Sep-18 Dec 2026: 78 school days; 6 in 1,000 pupils
    assert s1["school_days"] == 78
    assert s1["bullying_per_1000_pupils_per_day"] == round(6 / 78, 6)
    # Summer has neither a calendar nor possible sessions: no rate, so no change is claimed
    # (raw counts of terms of different length do not compare; test_auditable_figures.py)
    assert s1["bullying_per_1000_pupils_per_day_change_on_last_term"] is None
    assert s1["unauthorised_absence_rate"] is None  # no possible sessions returned
    assert rows["S2"]["bullying_per_1000_pupils_per_day_change_on_last_term"] is None
    assert rows["S3"]["bullying_per_1000_pupils_per_day_change_on_last_term"] is None
