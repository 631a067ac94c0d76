"""Protocol hours are school hours; incidents outside them are handed to response officers.

Source (Appendix 2): "This will be during school hours only (including immediately before
and after school approx. 0800 - 1600). Incident happening outside these hours will be dealt
with by response officers." School hours follow the borough's calendar: a holiday or an
INSET day has none.
"""

from datetime import date, datetime, time, timedelta

from fastapi import FastAPI
from fastapi.testclient import TestClient
from ssp_contracts.events.staffing import Holiday, TermCalendarSet

from services.incidents.tests.conftest import (
    CLOCK,
    at,
    in_memory_deployments,
    incident_body,
    officer_headers,
    staff_headers,
)
from services.runtime.clock import LONDON, london_day

BOROUGH = "Waltham Forest"


def calendar(client: TestClient, inset: date) -> None:
    """This term and the next in the school's borough, with ``inset`` an INSET day."""
    assert isinstance(client.app, FastAPI)
    view = in_memory_deployments(client.app)
    today = london_day(CLOCK.now())
    view.apply(TermCalendarSet(
        borough=BOROUGH, term=f"{today.year}-{'autumn' if today.month >= 9 else 'summer'}",
        starts_on=today - timedelta(days=40), ends_on=today - timedelta(days=1),
        holidays=[Holiday(starts_on=inset, ends_on=inset, kind="inset_day")],
    ))  # fmt: skip
    view.apply(TermCalendarSet(
        borough=BOROUGH, term=f"{today.year + 1}-spring",
        starts_on=today + timedelta(days=20), ends_on=today + timedelta(days=60), holidays=[],
    ))  # fmt: skip


def reported_at(client: TestClient, moment: datetime) -> dict[str, object]:
    body = incident_body(occurred_at=moment.isoformat())
    created = client.post("/incidents", json=body, headers=officer_headers())
    assert created.status_code == 201, created.text
    incident: dict[str, object] = client.get(
        f"/incidents/{created.json()['id']}?purpose=investigation", headers=officer_headers()
    ).json()
    return incident


def at_ten(day: date) -> datetime:
    return datetime.combine(day, time(10, 0), LONDON)


def test_an_inset_day_and_the_holidays_are_not_school_hours(client: TestClient) -> None:
    inset = at(3).date()
    calendar(client, inset)
    assert reported_at(client, at_ten(inset))["outside_protocol_hours"] is True
    assert reported_at(client, at(2, 10))["outside_protocol_hours"] is False
    # Today lies after this term's end and before the next one's start: the holidays.
    holiday = at(0, 10)
    assert reported_at(client, holiday)["outside_protocol_hours"] is True


def test_without_a_calendar_the_school_days_decide(client: TestClient) -> None:
    assert reported_at(client, at(0, 10))["outside_protocol_hours"] is False


def test_an_incident_outside_hours_is_handed_to_response_once(client: TestClient) -> None:
    evening = reported_at(client, at(1, 19))
    assert evening["outside_protocol_hours"] is True
    outstanding = client.get("/outstanding", headers=officer_headers()).json()
    waiting = outstanding["outside_hours_not_handed_to_response"]
    assert [r["id"] for r in waiting] == [evening["id"]]
    body = {"handed_at": at(1, 19, 45).isoformat(), "reference": "CAD 4711/09DEC"}
    path = f"/incidents/{evening['id']}/hand-off"
    assert client.post(path, json=body, headers=officer_headers()).status_code == 201
    again = client.post(path, json=body, headers=officer_headers())
    assert (again.status_code, again.json()["detail"]["rule"]) == (409, "handed-off")
    assert client.get(path, headers=officer_headers()).json()["reference"] == "CAD 4711/09DEC"
    outstanding = client.get("/outstanding", headers=officer_headers()).json()
    assert outstanding["outside_hours_not_handed_to_response"] == []


def test_an_incident_in_hours_is_the_school_officers(client: TestClient) -> None:
    in_hours = reported_at(client, at(1, 10))
    body = {"handed_at": at(1, 10, 45).isoformat(), "reference": "CAD 1/01JAN"}
    refused = client.post(
        f"/incidents/{in_hours['id']}/hand-off", json=body, headers=officer_headers()
    )
    assert (refused.status_code, refused.json()["detail"]["rule"]) == (422, "hand-off-in-hours")


def test_a_record_the_school_kept_is_not_handed_to_the_police(client: TestClient) -> None:
    body = incident_body(occurred_at=at(1, 19).isoformat())
    kept = client.post("/incidents", json=body, headers=staff_headers()).json()["id"]
    handed = {"handed_at": at(1, 19, 45).isoformat(), "reference": "CAD 2/01JAN"}
    refused = client.post(f"/incidents/{kept}/hand-off", json=handed, headers=staff_headers())
    assert (refused.status_code, refused.json()["detail"]["rule"]) == (409, "incident-not-referred")
