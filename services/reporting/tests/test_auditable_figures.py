"""Each figure against numbers worked by hand (the story is in figures_stories.py).

The rate is the source's: "Safer Schools Partnerships (135 police officers): £5,967,270" and
"Schools Involvement programme (60 police officers): £2,652,120" (mpa-2005-policing-in-
schools, D.3), i.e. £44,202 a police officer a year; it prices no PCSO.
"""

from datetime import UTC, date, datetime

import asyncpg
import pytest

from services.reporting.queries import ethnicity, outcomes, oversight, performance
from services.reporting.queries.abstraction import abstraction_rates, explain_rates
from services.reporting.queries.value import DEFAULT_RATES, POLICE_OFFICER_RATE
from services.reporting.tests import figures_stories as story
from services.reporting.views import all_projections, apply_events

pytestmark = pytest.mark.stack
END = datetime(2026, 12, 31, 23, 0, tzinfo=UTC)
DAY = POLICE_OFFICER_RATE / 365  # £121.10 a police officer a day


@pytest.fixture
async def autumn(read_models: asyncpg.Connection) -> asyncpg.Connection:
    async with read_models.transaction():
        await apply_events(read_models, all_projections(), story.everything())
    return read_models


def test_the_default_rate_is_the_sources() -> None:
    assert 5_967_270 / 135 == 2_652_120 / 60 == POLICE_OFFICER_RATE
    assert DEFAULT_RATES["pcso"] is None


async def test_cost_by_share_rank_validity_and_programme(autumn: asyncpg.Connection) -> None:
    rows = {
        (r["area"], r["programme"]): r
        for r in await oversight.value_for_money(autumn, borough=None, term=story.TERM, as_of=END)
    }
    ssp = rows["Hackney", "safer_schools_partnership"]
    # Hackney's term has 103 days. A: 103 days whole; B: two halves of 103 days; D: ended
    # 31 Oct, so 7 Sep-31 Oct = 55 days; P is a PCSO: counted, not costed.
    assert ssp["period_cost"] == round(DAY * (103 + 0.5 * 103 + 0.5 * 103 + 55), 2)  # 31,607.46
    assert ssp["fte_by_rank"] == {"constable": round(1 + 1 + 55 / 103, 4), "pcso": 1.0}
    assert ssp["notes"] == ["PCSO cost not configured"] and not ssp["complete"]
    assert (ssp["officers"], ssp["schools"], ssp["pupils"]) == (4, 4, 1800)
    # Delivered: A 40 h rostered - 16 h leave - 4 h abstracted = 20; B 16 - 8 = 8
    assert ssp["delivered_hours"] == 28
    # Incident 1 only: 2 is after 16:00, 3 handled by the school, 4 on a Saturday, 5 open
    assert ssp["incidents_dealt_with"] == 1
    assert ssp["cost_per_incident_dealt_with"] == ssp["period_cost"]
    assert ssp["cost_per_pupil"] == round(ssp["period_cost"] / 1800, 2)
    # The Schools Involvement school is costed apart: C, 103 days
    involvement = rows["Hackney", "schools_involvement"]
    assert involvement["period_cost"] == round(DAY * 103, 2) and involvement["complete"]
    # Camden has no calendar: 1 Sep-31 Dec, 122 days; E's tenure was extended past 15 Oct
    camden = rows["Camden", "safer_schools_partnership"]
    assert camden["period_cost"] == round(DAY * 122, 2)
    london = rows["London", "safer_schools_partnership"]
    assert london["period_cost"] == round(DAY * (103 + 103 + 55 + 122), 2)


async def test_a_past_as_of_costs_the_days_up_to_it(autumn: asyncpg.Connection) -> None:
    as_of = datetime(2026, 10, 15, 18, 0, tzinfo=UTC)
    [ssp, _] = await oversight.value_for_money(
        autumn, borough="Hackney", term=story.TERM, as_of=as_of
    )
    # 7 Sep-15 Oct = 39 days for A, B (two halves) and D; no hours or incidents yet
    assert ssp["period_cost"] == round(DAY * 39 * 3, 2)
    assert (ssp["delivered_hours"], ssp["incidents_dealt_with"]) == (0, 0)


async def test_a_configured_pcso_rate_completes_the_cost(autumn: asyncpg.Connection) -> None:
    rates = {**DEFAULT_RATES, "pcso": 30_000.0}
    [ssp, _] = await oversight.value_for_money(
        autumn, borough="Hackney", term=story.TERM, as_of=END, rates=rates
    )
    assert ssp["complete"] and ssp["period_cost"] == round(
        DAY * (103 + 103 + 55) + 30_000 / 365 * 103, 2
    )


async def test_hours_leave_and_abstraction_per_officer(autumn: asyncpg.Connection) -> None:
    rows = {r["key"]: r for r in await abstraction_rates(autumn, level="officer", period="term")}
    a, b = rows["A"], rows["B"]
    assert (a["rostered_hours"], a["leave_hours"], a["abstracted_hours"]) == (40, 16, 4)
    # The rate is over the hours the officer was there to be abstracted from: 4 / 24
    assert (a["delivered_hours"], a["abstraction_rate"]) == (20, round(4 / 24, 4))
    # Two breaching abstractions of one shift are one breach
    assert (b["delivered_hours"], b["ring_fence_breaches"]) == (8, 1)


async def test_school_shares_follow_the_deployments_and_sum(autumn: asyncpg.Connection) -> None:
    rows = {r["key"]: r for r in await abstraction_rates(autumn, level="school", period="term")}
    # B is half S2, half the cluster S3+S4: 1/2, 1/4, 1/4 of each shift (not a third each)
    assert [rows[k]["rostered_hours"] for k in ("S2", "S3", "S4")] == [8, 4, 4]
    assert [rows[k]["ring_fence_breaches"] for k in ("S2", "S3", "S4")] == [0.5, 0.25, 0.25]
    [hackney] = await abstraction_rates(autumn, level="borough", period="term")
    for figure in ("rostered_hours", "delivered_hours", "ring_fence_breaches"):
        assert sum(r[figure] for r in rows.values()) == hackney[figure]
    inputs = await explain_rates(autumn, level="school", period="term", key="S3")
    assert {(r["officer_id"], r["weight"]) for r in inputs} == {("B", 0.25)}


async def test_indicators_are_rates_that_compare(autumn: asyncpg.Connection) -> None:
    rows = {
        r["term"]: r
        for r in await performance.indicators(autumn, borough=None, term=None)
        if r["school_id"] == "S1"
    }
    autumn_26 = rows[story.TERM]
    # 14 bullying incidents, 1,000 pupils, 70 school days: 0.2 per 1,000 pupils a day
    assert autumn_26["school_days"] == 70
    assert autumn_26["bullying_per_1000_pupils_per_day"] == 0.2
    assert autumn_26["unauthorised_absence_rate"] == 0.02  # 2,800 of 140,000 sessions
    # Summer had no calendar: 100,000 sessions / (2 x 1,000) = 50 days, 15 / 50 = 0.3; fewer
    # incidents in autumn (14 vs 15) but a longer term: the rate fell by 0.1
    assert rows["2026-summer"]["school_days"] == 50
    assert autumn_26["bullying_per_1000_pupils_per_day_change_on_last_term"] == -0.1
    # Autumn 2025: 21 in 70 days = 0.3, truancy 4,200 / 140,000 = 0.03
    assert autumn_26["bullying_per_1000_pupils_per_day_change_on_last_year"] == -0.1
    assert autumn_26["unauthorised_absence_rate_change_on_last_year"] == -0.01


async def test_turnaround_runs_from_the_signature_or_the_submission(
    autumn: asyncpg.Connection,
) -> None:
    rows = {
        r["urgency"]: r for r in await oversight.disclosures(autumn, borough="Hackney", as_of=END)
    }
    routine, urgent = rows["routine"], rows["urgent"]
    # Routine: signed at 09:00, decided at 15:00 (30 h after submission)
    assert routine["median_turnaround_hours"] == 6
    assert routine["median_hours_from_submission"] == 30
    # Urgent: decided 2 h after submission, signed afterwards
    assert urgent["median_turnaround_hours"] == 2
    assert urgent["median_hours_from_countersignature"] is None
    past = datetime(2026, 11, 10, 13, tzinfo=UTC)  # before the routine decision
    earlier = {
        r["urgency"]: r for r in await oversight.disclosures(autumn, borough=None, as_of=past)
    }
    assert earlier["routine"]["decided"] == 0 and earlier["urgent"]["decided"] == 1
    assert date(2026, 11, 10) == past.date()


async def test_ssp_schools_beside_the_comparison_group(autumn: asyncpg.Connection) -> None:
    rows = {
        (r["area"], r["group"]): r
        for r in await outcomes.comparison(autumn, borough=None, term=story.TERM)
    }
    ssp, without = rows["Hackney", "ssp"], rows["Hackney", "comparison"]
    # S1: 14 in 1,000 pupils over 70 days = 0.2; S7, no officer: 63 in 900 over 70 = 1.0
    assert (ssp["school_ids"], ssp["bullying_per_1000_pupils_per_day"]) == (["S1"], 0.2)
    assert (without["school_ids"], without["bullying_per_1000_pupils_per_day"]) == (["S7"], 1.0)
    assert (ssp["unauthorised_absence_rate"], without["unauthorised_absence_rate"]) == (0.02, 0.04)


async def test_each_school_beside_its_own_baseline(autumn: asyncpg.Connection) -> None:
    [s1] = await outcomes.baseline(autumn, borough="Hackney", term=story.TERM)
    # First deployed 1 Sep 2026: the last term that ended before is summer 2026 (to 31 Aug)
    assert (s1["school_id"], s1["baseline_term"]) == ("S1", "2026-summer")
    assert s1["bullying_per_1000_pupils_per_day_baseline"] == 0.3
    assert s1["bullying_per_1000_pupils_per_day_change_on_baseline"] == -0.1
    assert s1["unauthorised_absence_rate_change_on_baseline"] == -0.01


async def test_search_ethnicity_beside_the_pupils_of_the_same_schools(
    autumn: asyncpg.Connection,
) -> None:
    rows = {
        r["ethnic_group"]: r
        for r in await ethnicity.search_ethnicity(autumn, borough="Hackney", term=story.TERM)
    }
    black, white, asian = rows["Black"], rows["White"], rows["Asian"]
    # S1 only (S2 has no census): 2 of 3 stated searches were of Black pupils, 30% of roll
    assert (black["searches"], black["search_share"], black["pupil_share"]) == (2, 0.6667, 0.3)
    assert black["ratio"] == round((2 / 3) / 0.3, 3)  # 2.222
    assert (white["ratio"], asian["ratio"]) == (round((1 / 3) / 0.5, 3), 0.0)
    assert black["searches_not_stated"] == 1
    assert rows["Mixed"]["ratio"] is None  # no Mixed pupils on roll: no ratio
