"""Duties still owed, disclosures and value for money, on a hand-worked autumn term."""

from datetime import timedelta

import asyncpg
import pytest

from services.reporting.queries import oversight as q
from services.reporting.tests.abstraction_stories import hackney_and_camden
from services.reporting.tests.disclosure_stories import deployments, disclosures
from services.reporting.tests.performance_stories import (
    NOV,
    incidents,
    schools,
    searches,
)
from services.reporting.views import all_projections, apply_events

pytestmark = pytest.mark.stack
LATER = NOV + timedelta(days=3)


@pytest.fixture
async def given_an_autumn_term(read_models: asyncpg.Connection) -> asyncpg.Connection:
    events = [
        *schools(),
        *incidents(),
        *searches(),
        *deployments(),
        *disclosures(),
        *hackney_and_camden(),
    ]
    async with read_models.transaction():
        await apply_events(read_models, all_projections(), events)
    return read_models


async def test_notifications_and_evidence_still_owed(
    given_an_autumn_term: asyncpg.Connection,
) -> None:
    rows = {r["school_id"]: r for r in await q.outstanding(given_an_autumn_term, borough="Hackney")}
    s1 = rows["S1"]
    # S1: robbery 2 not told to the head; the on-premises arrest not told; parents of two
    # searched pupils not told (the fourth search was not of a pupil); one item with staff
    assert s1["head_teacher_incidents"] == 1
    assert s1["head_teacher_arrests"] == 1
    assert s1["parents_searches"] == 2
    assert s1["evidence_awaiting_handover"] == 1
    assert "S2" not in rows  # everything owed at S2 was done


async def test_disclosure_turnaround_and_overdue_confirmations(
    given_an_autumn_term: asyncpg.Connection,
) -> None:
    rows = {
        r["urgency"]: r
        for r in await q.disclosures(given_an_autumn_term, borough="Hackney", as_of=LATER)
    }
    urgent, routine = rows["urgent"], rows["routine"]
    # Urgent: decided after 2 h and 4 h: median 3 h, 90th percentile 2 + 0.9 * 2 = 3.8 h
    assert (urgent["requests"], urgent["decided"]) == (3, 2)
    assert (urgent["median_turnaround_hours"], urgent["p90_turnaround_hours"]) == (3.0, 3.8)
    # Two urgent requests were never confirmed in writing; one is still undecided
    assert (urgent["overdue_confirmations"], urgent["past_decision_deadline"]) == (2, 1)
    # Routine: 48 h from submission; no countersignature is recorded in this story, and a
    # routine request's turnaround runs from it (test_auditable_figures.py)
    assert (routine["median_hours_from_submission"], routine["overdue_confirmations"]) == (48, 0)
    assert routine["median_turnaround_hours"] is None


async def test_nothing_is_overdue_before_its_deadline(
    given_an_autumn_term: asyncpg.Connection,
) -> None:
    rows = await q.disclosures(given_an_autumn_term, borough="Hackney", as_of=NOV.replace(hour=10))
    urgent = next(r for r in rows if r["urgency"] == "urgent")
    assert (urgent["overdue_confirmations"], urgent["past_decision_deadline"]) == (0, 0)
