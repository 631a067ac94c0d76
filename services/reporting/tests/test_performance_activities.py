"""The officers' recorded activities as outputs of the performance framework, hand-worked.

Source (Appendix 1 §5): "TPHQ needs to develop a robust performance management framework to
support the SSP. This should include a measurement of outputs and outcomes". And (Report
¶12) the activities are "educational support, crime prevention advice, diversionary
activities, advisory support and not just the traditional enforcement role".

S1 (Hackney): a 50-minute lesson for 28 pupils on 10 November; a one-hour home visit with
the education welfare officer; a 45-minute mentoring session at 00:30 BST on 1 September
(31 August in UTC: the London day puts it in autumn); an assembly withdrawn as a duplicate.
S3 (Camden): a two-hour patrol. Expected for autumn: S1 lesson 1 / 0.83 h / 28 pupils,
home visit 1 / 1.0 h / 1 pupil / 1 with partners, mentoring 1 / 0.75 h; S3 patrol 1 / 2.0 h.
"""

from datetime import UTC, datetime
from typing import Any

import asyncpg
import pytest
from fastapi.testclient import TestClient
from ssp_contracts.events import incidents as i

from services.reporting.queries import explainers
from services.reporting.queries import performance as q
from services.reporting.tests.builders import received
from services.reporting.tests.performance_stories import schools, uid
from services.reporting.views import all_projections, apply_events
from services.runtime.projection import ReceivedEvent
from services.runtime.testing import bearer

pytestmark = pytest.mark.stack
TERM = "2026-autumn"


def activity(name: str, school: str, kind: Any, at: datetime, minutes: int, **extra: Any) -> Any:
    return i.ActivityRecorded(
        activity_id=uid(name), school_id=school, officer_id="officer-1", kind=kind,
        started_at=at, minutes=minutes, **extra,
    )  # fmt: skip


def autumn_work() -> list[ReceivedEvent]:
    """The story above; the withdrawal arrives before its activity (any order must work)."""
    withdrawn = i.ActivityWithdrawn(
        activity_id=uid("assembly"), school_id="S1", reason="duplicate",
        withdrawn_at=datetime(2026, 11, 12, 9, tzinfo=UTC),
    )  # fmt: skip
    payloads = [
        activity("lesson", "S1", "lesson", datetime(2026, 11, 10, 11, tzinfo=UTC), 50,
                 pupils_reached=28),
        activity("visit", "S1", "home_visit", datetime(2026, 11, 11, 15, tzinfo=UTC), 60,
                 pupils_reached=1, partners=["education_welfare_officer"]),
        activity("mentoring", "S1", "mentoring", datetime(2026, 8, 31, 23, 30, tzinfo=UTC), 45,
                 pupils_reached=1),
        withdrawn,
        activity("assembly", "S1", "assembly", datetime(2026, 11, 11, 9, tzinfo=UTC), 30,
                 pupils_reached=300),
        activity("patrol", "S3", "patrol", datetime(2026, 11, 10, 15, tzinfo=UTC), 120),
    ]  # fmt: skip
    return [received(p, subject=getattr(p, "activity_id", None)) for p in payloads]


@pytest.fixture
async def given_autumn_work(read_models: asyncpg.Connection) -> asyncpg.Connection:
    async with read_models.transaction():
        await apply_events(read_models, all_projections(), [*schools(), *autumn_work()])
    return read_models


def table(rows: list[dict[str, Any]]) -> dict[tuple[str, str], tuple[Any, ...]]:
    return {
        (r["school_id"], r["kind"]): (
            r["activities"],
            r["hours"],
            r["pupils_reached"],
            r["with_partners"],
        )
        for r in rows
    }


async def test_activities_per_school_and_kind(given_autumn_work: asyncpg.Connection) -> None:
    rows = await q.activities(given_autumn_work, borough=None, term=TERM)
    assert table(rows) == {
        ("S1", "lesson"): (1, 0.83, 28, 0),
        ("S1", "home_visit"): (1, 1.0, 1, 1),
        ("S1", "mentoring"): (1, 0.75, 1, 0),
        ("S3", "patrol"): (1, 2.0, 0, 0),
    }
    assert {r["term"] for r in rows} == {TERM}


async def test_scope_and_inputs(given_autumn_work: asyncpg.Connection) -> None:
    hackney = await q.activities(given_autumn_work, borough="Hackney", term=TERM)
    assert {r["school_id"] for r in hackney} == {"S1"}
    inputs = await explainers.rows_of("activities")(given_autumn_work, borough="Hackney", term=TERM)
    assert sorted(r["activity_id"] for r in inputs) == sorted(
        uid(n) for n in ("lesson", "visit", "mentoring")
    )
    assert await q.activities(given_autumn_work, borough=None, term="2026-summer") == []


async def test_the_auditor_reads_them(
    given_autumn_work: asyncpg.Connection, api: TestClient
) -> None:
    auditor = bearer("auditor", "auditor-1")
    answer = api.get(
        "/performance/activities", params={"term": TERM, "explain": "1"}, headers=auditor
    )
    assert answer.status_code == 200, answer.text
    assert len(answer.json()["figures"]) == 4
    as_csv = api.get("/performance/activities", params={"format": "csv"}, headers=auditor)
    assert as_csv.status_code == 200 and as_csv.text.count("\n") == 5  # header and four rows


async def test_the_database_counts_london_days(given_autumn_work: asyncpg.Connection) -> None:
    """Sessions of a migrated database start in London: 23:30 UTC on 31 August is 1 September."""
    day = await given_autumn_work.fetchval(
        "SELECT started_at::date FROM perf_activities WHERE activity_id = $1", uid("mentoring")
    )
    assert day.isoformat() == "2026-09-01"
