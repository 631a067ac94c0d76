"""On the real stack: staffing's roster reaches an officer's day, and lists page in SQL."""

import uuid
from datetime import UTC, datetime, time, timedelta
from typing import Any

import httpx
import pytest
from ssp_contracts.events.staffing import RosterGenerated, Shift, ShiftAmended

from services.incidents.tests.staffing import publish, publish_deployment
from services.runtime.clock import london_day
from services.runtime.paging import NEXT_HEADER
from services.runtime.testing import bearer, wait_for

pytestmark = pytest.mark.stack


def test_the_roster_reaches_the_day_and_incidents_page(services: Any, fresh_db: Any) -> None:
    school, officer = f"school-day-{uuid.uuid4().hex[:6]}", f"officer-{uuid.uuid4().hex[:8]}"
    incidents = services("incidents", SSP_INCIDENTS_DB_NAME=fresh_db("incidents"))
    as_officer = bearer("school_officer", officer)
    today = london_day(datetime.now(UTC))
    publish_deployment(officer, [school])
    base: dict[str, Any] = {
        "roster_id": str(uuid.uuid4()), "officer_id": officer, "borough": "Waltham Forest",
        "term": f"{today.year}-autumn", "school_ids": [school],
    }  # fmt: skip
    shifts = [Shift(date=today, start=time(8), hours=8)]
    publish(RosterGenerated(**base, shifts=shifts), base["roster_id"])
    amended = Shift(date=today, start=time(9), hours=7.5)
    publish(ShiftAmended(**base, shift=amended, previous_hours=8), base["roster_id"])

    def day() -> dict[str, Any]:
        answer: dict[str, Any] = httpx.get(f"{incidents.url}/me/today", headers=as_officer).json()
        return answer

    # The roster and the deployment travel under different keys: the view learns them in
    # either order, so wait for both.
    wait_for(lambda: day().get("shift") == {"start": "09:00:00", "hours": 7.5}, timeout=30,
             what="the amended shift in the officer's day")  # fmt: skip
    wait_for(lambda: day()["schools"] == [school], timeout=30, what="the officer's deployment")

    # Three incidents, read one page at a time through the cursor
    made = []
    for hours_ago in (3, 2, 1):
        body = {
            "school_id": school, "location_kind": "premises", "category": "robbery",
            "occurred_at": (datetime.now(UTC) - timedelta(hours=hours_ago)).isoformat(),
            "came_to_notice": "officer_patrol", "description": "Phone taken", "pupil_refs": [],
        }  # fmt: skip
        answer = httpx.post(f"{incidents.url}/incidents", json=body, headers=as_officer)
        assert answer.status_code == 201, answer.text
        made.append(answer.json()["id"])
    seen, params = [], {"limit": "2"}
    while True:
        page = httpx.get(f"{incidents.url}/incidents", params=params, headers=as_officer)
        assert page.status_code == 200, page.text
        seen += [r["id"] for r in page.json()]
        if NEXT_HEADER not in page.headers:
            break
        params = {"limit": "2", "cursor": page.headers[NEXT_HEADER]}
    assert seen == made
    owed = day()["owed"]["serious_incidents_head_teacher_not_told"]
    assert [r["id"] for r in owed] == made
