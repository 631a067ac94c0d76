"""Amended and cancelled shifts, lifted ring-fences and redelivered events."""

from datetime import date, time
from typing import Any

import asyncpg
import pytest
from ssp_contracts.events import staffing as s

from services.reporting.queries.abstraction import abstraction_rates
from services.reporting.tests.abstraction_stories import (
    TERM,
    _id,
    hackney_and_camden,
    lifted,
    project,
)
from services.reporting.tests.builders import received

pytestmark = pytest.mark.stack


@pytest.fixture
async def given_hackney_and_camden(read_models: asyncpg.Connection) -> asyncpg.Connection:
    await project(read_models, hackney_and_camden())
    return read_models


async def test_an_amended_and_a_cancelled_shift_change_the_rostered_hours(
    given_hackney_and_camden: asyncpg.Connection,
) -> None:
    keys: dict[str, Any] = {
        "roster_id": _id("roster-officer-a"),
        "officer_id": "officer-a",
        "borough": "Hackney",
        "term": TERM,
        "school_ids": ["S1"],
    }
    # When A's Friday shift is cut to 4 hours and Thursday's is cancelled
    amended = s.ShiftAmended(
        **keys, shift=s.Shift(date=date(2026, 11, 6), start=time(8, 0), hours=4), previous_hours=8
    )
    cancelled = s.ShiftCancelled(**keys, date=date(2026, 11, 5), hours=8)
    await project(given_hackney_and_camden, [received(amended), received(cancelled)])
    # Then A is rostered 40 - 4 - 8 = 28 hours, and 4 abstracted hours are 1/7 of them
    [a] = await abstraction_rates(
        given_hackney_and_camden, level="officer", period="term", key="officer-a"
    )
    assert a["rostered_hours"] == 28
    assert a["abstraction_rate"] == round(4 / 28, 4)


async def test_a_lifted_ring_fence_stops_counting_from_that_day(
    given_hackney_and_camden: asyncpg.Connection,
) -> None:
    # When C's ring-fence is lifted from 9 November
    await project(given_hackney_and_camden, [lifted("officer-c", "Camden", date(2026, 11, 9))])
    weeks = {
        r["period"]: r
        for r in await abstraction_rates(
            given_hackney_and_camden, level="officer", period="week", key="officer-c"
        )
    }
    # Then C counts as ring-fenced in week 45 but not in week 46
    assert weeks["2026-W45"]["ring_fenced_officers"] == 1
    assert weeks["2026-W46"]["ring_fenced_officers"] == 0


async def test_both_events_of_a_breach_count_the_hours_once(
    given_hackney_and_camden: asyncpg.Connection,
) -> None:
    # The breach arrives again (its own event after OfficerAbstracted): still 4 hours, 1 breach
    again = [e for e in hackney_and_camden() if isinstance(e.payload, s.RingFenceBreached)]
    await project(given_hackney_and_camden, again)
    [a] = await abstraction_rates(
        given_hackney_and_camden, level="officer", period="term", key="officer-a"
    )
    assert (a["abstracted_hours"], a["ring_fence_breaches"]) == (4, 1)
