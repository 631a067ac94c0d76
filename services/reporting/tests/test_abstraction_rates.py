"""Abstraction rates and ring-fencing, on a hand-worked case.

Hackney: officer A (ring-fenced) serves S1, five 8-hour shifts 2-6 Nov 2026 (40 h);
officer B serves the cluster S1+S2, shifts 2-3 Nov (16 h; no deployment is known to this story,
so the shifts split equally, 8 h per school - deployment shares decide when they are known,
see test_auditable_figures.py).
A is abstracted 4 h on 3 Nov for local aid: a ring-fence breach. B is abstracted 8 h on
2 Nov for court (4 h per school). Camden: officer C (ring-fenced) serves S3, shifts on
2 Nov (week 45) and 9 Nov (week 46); 2 h of mandatory training on 9 Nov, exceptional.
"""

from typing import Any

import asyncpg
import pytest

from services.reporting.queries.abstraction import abstraction_rates
from services.reporting.tests.abstraction_stories import hackney_and_camden, project

pytestmark = pytest.mark.stack


@pytest.fixture
async def given_hackney_and_camden(read_models: asyncpg.Connection) -> asyncpg.Connection:
    await project(read_models, hackney_and_camden())
    return read_models


def by_key(rows: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {r["key"]: r for r in rows}


async def test_per_officer_per_term(given_hackney_and_camden: asyncpg.Connection) -> None:
    rows = by_key(await abstraction_rates(given_hackney_and_camden, level="officer", period="term"))
    a, b, c = rows["officer-a"], rows["officer-b"], rows["officer-c"]
    # A: 4 of 40 hours is exactly 10%, which is not *under* the 10% threshold
    assert (a["rostered_hours"], a["abstracted_hours"], a["abstraction_rate"]) == (40, 4, 0.1)
    assert (a["ring_fenced_officers"], a["ring_fence_breaches"]) == (1, 1)
    assert a["ring_fenced_under_threshold_share"] == 0.0
    # B: 8 of 16 hours, not ring-fenced, so no share to report
    assert (b["abstraction_rate"], b["ring_fenced_officers"]) == (0.5, 0)
    assert b["ring_fenced_under_threshold_share"] is None
    # C: 2 of 16 hours; exceptional, so no breach
    assert (c["abstraction_rate"], c["ring_fence_breaches"]) == (0.125, 0)
    assert c["period"] == "2026-autumn" and c["borough"] == "Camden"


async def test_per_school_shares_cluster_hours(
    given_hackney_and_camden: asyncpg.Connection,
) -> None:
    rows = by_key(await abstraction_rates(given_hackney_and_camden, level="school", period="term"))
    s1, s2 = rows["S1"], rows["S2"]
    # S1: A's 40 h + half of B's 16 h = 48; abstracted 4 (A) + half of B's 8 = 8
    assert (s1["rostered_hours"], s1["abstracted_hours"]) == (48, 8)
    assert s1["abstraction_rate"] == round(8 / 48, 4)
    assert s1["hours_by_category"] == {"aid_local": 4.0, "court": 4.0}
    assert (s1["ring_fenced_officers"], s1["ring_fence_breaches"]) == (1, 1)
    # S2: half of B's hours only
    assert (s2["rostered_hours"], s2["abstracted_hours"], s2["abstraction_rate"]) == (8, 4, 0.5)
    assert s2["hours_by_category"] == {"court": 4.0}


async def test_per_borough_and_london(given_hackney_and_camden: asyncpg.Connection) -> None:
    conn = given_hackney_and_camden
    boroughs = by_key(await abstraction_rates(conn, level="borough", period="term"))
    hackney = boroughs["Hackney"]
    assert (hackney["rostered_hours"], hackney["abstracted_hours"]) == (56, 12)
    assert hackney["abstraction_rate"] == round(12 / 56, 4)
    assert hackney["hours_by_category"] == {"aid_local": 4.0, "court": 8.0}
    [london] = await abstraction_rates(conn, level="london", period="term")
    assert (london["key"], london["borough"]) == ("London", None)
    assert (london["rostered_hours"], london["abstracted_hours"]) == (72, 14)
    assert london["abstraction_rate"] == round(14 / 72, 4)
    assert (london["ring_fenced_officers"], london["ring_fence_breaches"]) == (2, 1)
    assert london["ring_fenced_under_threshold_share"] == 0.0


async def test_the_threshold_is_configurable(given_hackney_and_camden: asyncpg.Connection) -> None:
    # At 15%, both A (10%) and C (12.5%) stay under it
    [london] = await abstraction_rates(
        given_hackney_and_camden, level="london", period="term", threshold=0.15
    )
    assert london["ring_fenced_under_threshold"] == 2
    assert london["ring_fenced_under_threshold_share"] == 1.0


async def test_per_week_and_month(given_hackney_and_camden: asyncpg.Connection) -> None:
    conn = given_hackney_and_camden
    weeks = {
        r["period"]: r
        for r in await abstraction_rates(conn, level="borough", period="week", borough="Camden")
    }
    assert set(weeks) == {"2026-W45", "2026-W46"}
    # Week 45: C worked 8 h untouched, so C is under the threshold that week
    assert weeks["2026-W45"]["abstraction_rate"] == 0
    assert weeks["2026-W45"]["ring_fenced_under_threshold_share"] == 1.0
    # Week 46: 2 of 8 hours
    assert weeks["2026-W46"]["abstraction_rate"] == 0.25
    assert weeks["2026-W46"]["ring_fenced_under_threshold_share"] == 0.0
    [november] = await abstraction_rates(conn, level="london", period="month")
    assert november["period"] == "2026-11" and november["rostered_hours"] == 72


async def test_a_borough_scope_sees_only_that_borough(
    given_hackney_and_camden: asyncpg.Connection,
) -> None:
    rows = await abstraction_rates(
        given_hackney_and_camden, level="school", period="term", borough="Camden"
    )
    assert [r["key"] for r in rows] == ["S3"]
