"""The incidents service's deployments view follows staffing events on Kafka."""

import uuid
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import httpx
import pytest
from ssp_contracts.events.staffing import DeploymentEnded, Holiday, TermCalendarSet

from services.incidents.tests.staffing import publish, publish_deployment
from services.runtime.clock import LONDON, london_day
from services.runtime.testing import bearer, wait_for

pytestmark = pytest.mark.stack


def test_an_ended_deployment_stops_the_officer_recording(services: Any, fresh_db: Any) -> None:
    school, officer = f"school-dv-{uuid.uuid4().hex[:6]}", f"officer-{uuid.uuid4().hex[:8]}"
    incidents = services("incidents", SSP_INCIDENTS_DB_NAME=fresh_db("incidents"))
    as_officer = bearer("school_officer", officer)
    body = {
        "school_id": school,
        "occurred_at": (datetime.now(UTC) - timedelta(hours=1)).isoformat(),
        "location_kind": "abutting_public_place",
        "category": "public-order",
        "came_to_notice": "reported_by_parent",
        "description": "Crowd at the gate after school",
        "pupil_refs": [],
    }

    def deployments() -> list[dict[str, Any]]:
        answer: list[dict[str, Any]] = httpx.get(
            f"{incidents.url}/deployments", headers=as_officer
        ).json()
        return answer

    # Given the officer is not deployed: refused, naming the rule
    refused = httpx.post(f"{incidents.url}/incidents", json=body, headers=as_officer)
    assert refused.status_code == 403
    assert refused.json()["detail"]["rule"] == "officer-deployment"

    # When staffing deploys the officer, the view learns it and the officer may record
    deployment = publish_deployment(officer, [school])
    wait_for(deployments, timeout=30, what="the deployment in the view")
    ok = httpx.post(f"{incidents.url}/incidents", json=body, headers=as_officer)
    assert ok.status_code == 201, ok.text

    # When staffing ends the deployment as of yesterday
    ended = DeploymentEnded(
        deployment_id=deployment.deployment_id,
        officer_id=officer,
        school_ids=[school],
        ended_on=datetime.now(UTC).date() - timedelta(days=1),
        reason="transfer",
    )
    publish(ended, ended.deployment_id)
    wait_for(lambda: deployments() == [], timeout=30, what="the end of the deployment")

    # Then the officer is refused again
    assert (
        httpx.post(f"{incidents.url}/incidents", json=body, headers=as_officer).status_code == 403
    )


def test_the_boroughs_calendar_decides_school_hours(services: Any, fresh_db: Any) -> None:
    """An INSET day of the borough's calendar (a staffing event) has no school hours."""
    school, officer = f"school-cal-{uuid.uuid4().hex[:6]}", f"officer-{uuid.uuid4().hex[:8]}"
    borough = f"borough-{uuid.uuid4().hex[:6]}"  # its own: other tests publish calendars too
    incidents = services("incidents", SSP_INCIDENTS_DB_NAME=fresh_db("incidents"))
    as_officer = bearer("school_officer", officer)
    today = london_day(datetime.now(UTC))
    inset, other = _weekdays_before(today)
    publish_deployment(officer, [school], borough=borough)
    # The deployment and the calendar travel under different keys, so the view may learn them
    # in either order; recording needs the deployment, so wait for it first.
    wait_for(
        lambda: httpx.get(f"{incidents.url}/deployments", headers=as_officer).json(),
        timeout=30,
        what="the deployment in the view",
    )
    calendar = TermCalendarSet(
        borough=borough, term=f"{today.year}-autumn", starts_on=today - timedelta(days=30),
        ends_on=today + timedelta(days=30),
        holidays=[Holiday(starts_on=inset, ends_on=inset, kind="inset_day")],
    )  # fmt: skip
    publish(calendar, borough)

    def marked(day: date) -> bool:
        body = {
            "school_id": school,
            "occurred_at": datetime.combine(day, time(10), LONDON).isoformat(),
            "location_kind": "premises", "category": "public-order",
            "came_to_notice": "officer_patrol", "description": "Scuffle", "pupil_refs": [],
        }  # fmt: skip
        made = httpx.post(f"{incidents.url}/incidents", json=body, headers=as_officer)
        assert made.status_code == 201, made.text
        read = httpx.get(
            f"{incidents.url}/incidents/{made.json()['id']}?purpose=investigation",
            headers=as_officer,
        )
        outside: bool = read.json()["outside_protocol_hours"]
        return outside

    # Once the view has the calendar, an incident at 10:00 on the INSET day is outside hours
    wait_for(lambda: marked(inset), timeout=30, what="the calendar in the view")
    # And the school day before it is inside them
    assert not marked(other)


def _weekdays_before(day: date) -> tuple[date, date]:
    """The two school weekdays before ``day``, latest first."""
    found: list[date] = []
    while len(found) < 2:
        day -= timedelta(days=1)
        if day.isoweekday() <= 5:
            found.append(day)
    return found[0], found[1]
