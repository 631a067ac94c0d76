"""School staff's searches are the school's record: counted apart from police stop and search.

Source (Appendix 2): "The SSPO may assist staff to search pupils. Where the SSPO searches a
pupil a record of the search will be made on MPS Form 5090" - only the officer's own search is
the police record that the stop-and-search figures count.
"""

import asyncpg
import pytest
from ssp_contracts.events import incidents as i

from services.reporting.queries import oversight as o
from services.reporting.queries import performance as q
from services.reporting.tests.builders import received
from services.reporting.tests.performance_stories import (
    BLACK,
    NOV,
    pupil,
    schools,
    search,
    searches,
    uid,
)
from services.reporting.views import all_projections, apply_events
from services.runtime.projection import ReceivedEvent

pytestmark = pytest.mark.stack
TERM = "2026-autumn"


def school_searches() -> list[ReceivedEvent]:
    """At S1: one search by staff alone, and one published before they were the school's."""
    own = i.SchoolSearchRecorded(
        search_id=uid("school-search-1"), school_id="S1", searched_at=NOV,
        location_kind="premises", pupil_ref=pupil(21), object_of_search="Stolen goods",
        gender="Female", age_range="10-17", self_defined_ethnicity=BLACK,
        outcome="A no further action disposal", items_found=False, injury_or_damage=False,
    )  # fmt: skip
    legacy = search(22, "A no further action disposal", False, BLACK).payload
    assert isinstance(legacy, i.SearchRecorded)
    legacy = legacy.model_copy(
        update={"search_id": uid("school-search-2"), "searched_by": "school_staff"}
    )
    told = i.SchoolSearchParentsInformed(
        search_id=uid("school-search-1"), school_id="S1", informed_at=NOV
    )
    return [received(own), received(legacy), received(told)]


@pytest.fixture
async def given_police_and_school_searches(
    read_models: asyncpg.Connection,
) -> asyncpg.Connection:
    events = [*schools(), *searches(), *school_searches()]
    async with read_models.transaction():
        await apply_events(read_models, all_projections(), events)
    return read_models


async def test_stop_and_search_figures_count_police_searches_only(
    given_police_and_school_searches: asyncpg.Connection,
) -> None:
    conn = given_police_and_school_searches
    # The four police searches of the story, not the school's two
    [hackney] = await q.searches(conn, borough="Hackney", term=TERM)
    assert hackney["searches"] == 4
    # (the ethnicity comparison reads the same table: police searches only)
    assert (
        await conn.fetchval("SELECT count(*) FROM perf_searches WHERE searched_at IS NOT NULL") == 4
    )
    # And the school's are counted apart, parents' notices still owed included
    assert await conn.fetchval("SELECT count(*) FROM perf_school_searches") == 2
    rows = {r["school_id"]: r for r in await o.outstanding(conn, borough="Hackney")}
    # two police searches of pupils and the legacy school one still owe the parents' notice
    assert rows["S1"]["parents_searches"] == 3
