"""A school day on the real stack: incident, search, evidence, arrest and the notifications.

Everything the service puts on Kafka is a CloudEvent whose data validates against its
committed JSON Schema, and no personal detail travels.
"""

import json
import uuid
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

import jsonschema
import pytest
from ssp_contracts.schemas import schema_path

from services.incidents.tests.staffing import publish_deployment
from services.incidents.tests.stories import PERSON, search_body
from services.runtime.pseudonyms import for_service
from services.runtime.testing import PositionedClient, bearer, read_all, wait_for

pytestmark = pytest.mark.stack

GROUNDS = "Two pupils reported seeing a knife in his bag at lunch"
DESCRIPTION = "Rowan Testpupil was seen selling cannabis behind the sports hall"
NECESSITY = "Pupil tried to pass the remaining wraps to others; risk of evidence being lost."


def morning(hour: int, minute: int = 0) -> str:
    """A time on the most recent weekday, London winter time."""
    day = datetime.now(UTC) - timedelta(days=1)
    while day.isoweekday() > 5:
        day -= timedelta(days=1)
    return day.replace(hour=hour, minute=minute, second=0, microsecond=0).isoformat()


def test_a_school_day_reaches_kafka_as_valid_cloudevents(services: Any, fresh_db: Any) -> None:
    school, officer = f"school-e2e-{uuid.uuid4().hex[:6]}", f"officer-{uuid.uuid4().hex[:8]}"
    pupil = f"pupil-{uuid.uuid4().hex[:16]}"
    incidents = services("incidents", SSP_INCIDENTS_DB_NAME=fresh_db("incidents"))
    api = PositionedClient(incidents.url)
    as_officer = bearer("school_officer", officer, school=school)
    as_head = bearer("head_teacher", "head-e2e", school=school)
    as_staff = bearer("school_staff", "staff-e2e", school=school)

    # Given staffing deployed the officer to the school, as the service's view learns
    publish_deployment(officer, [school])
    wait_for(
        lambda: api.get("/deployments", headers=as_officer).json(),
        timeout=30,
        what="the deployment in the incidents service's view",
    )

    def post(url: str, body: dict[str, Any], headers: Mapping[str, str], status: int = 200) -> str:
        response = api.post(url, json=body, headers=headers)
        assert response.status_code == status, (url, response.text)
        answer: str = response.json()["id"]
        return answer

    # When the officer reports drugs found on the premises at 10:40
    incident = post(
        "/incidents",
        {
            "school_id": school,
            "occurred_at": morning(10, 40),
            "location_kind": "premises",
            "place": "sports_field",
            "category": "drugs",
            "came_to_notice": "reported_by_staff",
            "description": DESCRIPTION,
            "pupil_refs": [pupil],
        },
        as_officer,
        201,
    )
    # And searches the pupil, with a member of staff's help
    search = post(
        "/searches",
        search_body(
            school_id=school,
            incident_id=incident,
            searched_by="school_staff",
            searched_at=datetime.fromisoformat(morning(10, 50)),
            pupil_ref=pupil,
            grounds=GROUNDS,
            object_of_search="Controlled drugs",
            legislation="Misuse of Drugs Act 1971 (section 23)",
            outcome="Arrest",
            outcome_linked_to_object_of_search=True,
            found="Six wraps of cannabis",
        ),
        as_officer,
        201,
    )
    # And staff seize the wraps, hand them to the officer, who books them in
    item = post(
        "/evidence",
        {
            "incident_id": incident,
            "kind": "drugs",
            "description": "Six wraps",
            "seized_at": morning(10, 55),
        },
        as_staff,
        201,
    )
    post(f"/evidence/{item}/handover", {"officer_id": officer, "handed_at": morning(11)}, as_staff)
    post(
        f"/evidence/{item}/disposal",
        {"transfer": "booked_in", "reference": "PROP-E2E-1", "at": morning(14)},
        as_officer,
    )
    # And arrests the pupil on the premises, with the written necessity
    arrest = post(
        "/arrests",
        {
            "incident_id": incident,
            "pupil_ref": pupil,
            "arrested_at": morning(11, 5),
            "on_premises": True,
            "necessity": NECESSITY,
        },
        as_officer,
        201,
    )
    # Then the head teacher and parents are outstanding until told
    outstanding = api.get("/outstanding", headers=as_head).json()
    assert [r["id"] for r in outstanding["serious_incidents_head_teacher_not_told"]] == [incident]
    assert [r["id"] for r in outstanding["searches_parents_not_told"]] == [search]
    assert [r["id"] for r in outstanding["arrests_head_teacher_not_told"]] == [arrest]
    post(f"/incidents/{incident}/head-teacher-notification", {"at": morning(11, 10)}, as_officer)
    post(f"/arrests/{arrest}/head-teacher-informed", {"informed_at": morning(11, 10)}, as_head)
    post(f"/searches/{search}/parents-informed", {"informed_at": morning(12)}, as_staff)
    assert all(v == [] for v in api.get("/outstanding", headers=as_head).json().values())

    # And every event is on Kafka as a CloudEvent that validates against its schema
    ours = {incident, search, item, arrest}

    def events(topic: str) -> list[Any]:
        return [r for r in read_all(topic) if r.key.decode() in ours]

    incident_events = wait_for(
        lambda: (e := events("ssp.incidents.events")) and len(e) >= 8 and e,
        timeout=30,
        what="the day's incident events on Kafka",
    )
    # Staff's search, the officer assisting, is the school's record: on the school-only topic
    search_events = wait_for(
        lambda: (e := events("ssp.incidents.school")) and len(e) >= 2 and e,
        timeout=30,
        what="the school's search events on Kafka",
    )
    records = [*incident_events, *search_events]
    types = sorted(dict(r.headers)["ce_type"].decode().split(".")[4] for r in records)
    assert types == sorted(
        [
            "incident_reported",
            "police_action_recorded",  # the arrest is police action on the incident
            "incident_head_teacher_notified",
            "evidence_seized",
            "evidence_transferred",
            "evidence_transferred",
            "arrest_made",
            "arrest_head_teacher_informed",
            "school_search_recorded",
            "school_search_parents_informed",
        ]
    )
    for record in records:
        headers = {k: v.decode() for k, v in record.headers}
        assert headers["content-type"] == "application/json"
        assert headers["ce_specversion"] == "1.0"
        assert headers["ce_source"].startswith("/ssp/incidents/")
        actors = {officer, "head-e2e", "staff-e2e"}
        assert headers["ce_actorid"] in {for_service("incidents").of(a) for a in actors}
        schema = json.loads(schema_path(headers["ce_type"]).read_text())
        assert headers["ce_dataschema"] == schema["$id"]
        jsonschema.validate(json.loads(record.value), schema)

    # And no personal detail is in any of them
    wire = b"\n".join(r.value for r in records).decode()
    for secret in (PERSON, GROUNDS, DESCRIPTION, "Rowan", "Six wraps", NECESSITY, "Changing room"):
        assert secret not in wire
