"""An officer's day: their schools, their rostered shift and the actions they owe there.

The protocol's duties the list is made of: "Assaults resulting in injury, robbery, sexual
assaults, offensive weapons and drugs seized or found will be reported to the head teacher",
and of an arrest "The head teacher will be informed when such action is taken" (MPA 2005,
Appendix protocol). The roster follows "BOCU's should review SSP officer's shift patterns to
ensure greater alignment with the working school day" (Recommendations).
"""

import uuid
from datetime import time, timedelta
from typing import Any, cast

from fastapi import FastAPI
from fastapi.testclient import TestClient
from ssp_contracts.events.staffing import RosterGenerated, Shift, ShiftAmended, ShiftCancelled

from services.incidents.tests.conftest import (
    OFFICER,
    OTHER_SCHOOL,
    SCHOOL,
    at,
    in_memory_deployments,
    incident_body,
    now,
    officer_headers,
    staff_headers,
)
from services.runtime.clock import london_day
from services.runtime.testing import refusal_rule

ROSTER = str(uuid.uuid4())


def roster(**fields: Any) -> dict[str, Any]:
    return {"roster_id": ROSTER, "officer_id": OFFICER, "borough": "Waltham Forest",
            "term": "2026-summer", "school_ids": [SCHOOL], **fields}  # fmt: skip


def my_day(client: TestClient) -> dict[str, Any]:
    response = client.get("/me/today", headers=officer_headers())
    assert response.status_code == 200, response.text
    answer: dict[str, Any] = response.json()
    return answer


def test_the_officer_sees_today_shift_schools_and_what_they_owe(client: TestClient) -> None:
    today = london_day(now())
    view = in_memory_deployments(cast(FastAPI, client.app))
    # Given a roster with today's shift, and a robbery and an arrest at the officer's school
    view.apply(
        RosterGenerated(
            **roster(shifts=[Shift(date=today, start=time(8), hours=8),
                             Shift(date=today + timedelta(days=1), start=time(8), hours=8)])
        )
    )  # fmt: skip
    robbery = client.post(
        "/incidents", json=incident_body(category="robbery"), headers=officer_headers()
    )
    arrest = client.post("/arrests", headers=officer_headers(), json={
        "incident_id": robbery.json()["id"], "pupil_ref": "pupil-0123456789ab",
        "arrested_at": at(1, 12).isoformat(), "on_premises": True,
        "necessity": "Prevent harm to other pupils",
    })  # fmt: skip
    assert arrest.status_code == 201, arrest.text
    # And a robbery at a school the officer is not deployed to
    elsewhere = incident_body(school_id=OTHER_SCHOOL, category="robbery")
    assert client.post("/incidents", json=elsewhere, headers=staff_headers(OTHER_SCHOOL)).is_success
    day = my_day(client)
    # Then the day is London's, with the school, the shift and the notices owed there only
    assert day["date"] == today.isoformat()
    assert day["schools"] == [SCHOOL]
    assert [d["school_ids"] for d in day["deployments"]] == [[SCHOOL]]
    assert day["shift"] == {"start": "08:00:00", "hours": 8.0}
    owed = day["owed"]
    assert [r["id"] for r in owed["serious_incidents_head_teacher_not_told"]] == [
        robbery.json()["id"]
    ]
    assert [r["id"] for r in owed["arrests_head_teacher_not_told"]] == [arrest.json()["id"]]
    assert owed["evidence_not_booked_in"] == []
    assert owed["safeguarding_follow_ups_due"] == []
    # When the head teacher is told of the robbery, it is no longer owed
    told = client.post(
        f"/incidents/{robbery.json()['id']}/head-teacher-notification",
        json={"at": at(0, 9).isoformat()},
        headers=officer_headers(),
    )
    assert told.status_code == 200, told.text
    assert my_day(client)["owed"]["serious_incidents_head_teacher_not_told"] == []
    # And since a later time, the arrest of yesterday is not listed either
    later = client.get(
        "/me/today", params={"since": at(0, 8).isoformat()}, headers=officer_headers()
    )
    assert later.json()["owed"]["arrests_head_teacher_not_told"] == []


def test_amended_and_cancelled_shifts_replace_the_roster(client: TestClient) -> None:
    today = london_day(now())
    view = in_memory_deployments(cast(FastAPI, client.app))
    view.apply(RosterGenerated(**roster(shifts=[Shift(date=today, start=time(8), hours=8)])))
    view.apply(ShiftAmended(**roster(shift=Shift(date=today, start=time(7, 30), hours=6),
                                     previous_hours=8)))  # fmt: skip
    assert my_day(client)["shift"] == {"start": "07:30:00", "hours": 6.0}
    view.apply(ShiftCancelled(**roster(date=today, hours=6)))
    assert my_day(client)["shift"] is None


def test_only_a_school_officer_has_a_day(client: TestClient) -> None:
    for headers in (staff_headers(), staff_headers(role="head_teacher")):
        refused = client.get("/me/today", headers=headers)
        assert refused.status_code == 403
        assert refusal_rule(refused) == "role-not-permitted"


def test_a_bad_since_is_refused_naming_it(client: TestClient) -> None:
    refused = client.get("/me/today", params={"since": "yesterday"}, headers=officer_headers())
    assert (refused.status_code, refused.json()["detail"]["field"]) == (422, "query.since")
    assert refusal_rule(refused) == "datetime-from-date-parsing"
