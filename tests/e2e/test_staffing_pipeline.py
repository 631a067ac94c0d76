"""Staffing end to end: commands over HTTP reach Kafka as valid CloudEvents on both topics."""

import json
import uuid
from typing import Any

import httpx
import jsonschema
import pytest
from ssp_contracts import CloudEvent
from ssp_contracts.events.staffing import ABSTRACTIONS, STAFFING
from ssp_contracts.schemas import schema_path

from services.runtime.pseudonyms import for_service
from services.runtime.testing import bearer, read_all, wait_for

pytestmark = pytest.mark.stack


def test_a_ring_fence_breach_travels_to_kafka(services: Any, fresh_db: Any) -> None:
    # Given the staffing service on a fresh database, and ids of this run only
    staffing = services("staffing", SSP_STAFFING_DB_NAME=fresh_db("staffing"))
    run = uuid.uuid4().hex[:8]
    borough, school, officer = f"borough-{run}", f"school-{run}", f"pc-{run}"
    headers = bearer("borough_supervisor", f"sgt-{run}", borough=borough)

    def call(method: str, path: str, body: dict[str, Any]) -> str:
        response = httpx.request(method, staffing.url + path, json=body, headers=headers)
        assert response.status_code in (200, 201), response.text
        return str(response.json()["id"])

    # When a supervisor registers a school and an officer, deploys and ring-fences them,
    # plans the term and records a non-exceptional central aid abstraction
    ids = {
        call("POST", "/schools", {"school_id": school, "name": "Warwick School for Boys",
             "borough": borough, "phase": "secondary", "pupil_count": 950,
             "programme": "safer_schools_partnership"}),
        # "Agreeing policies and protocols ... prior to the deployment of officers ... is essential"
        call("POST", f"/schools/{school}/protocol", {"signed_on": "2025-06-02",
             "head_teacher": "J. Head", "borough_commander": "C. Commander"}),
        call("POST", "/officers", {"officer_id": officer, "rank": "constable", "borough": borough,
             "selection_panel": ["police", "local_education_authority", "school"]}),
        call("POST", "/deployments", {"officer_id": officer, "school_id": school,
             "share_percent": 100, "start_date": "2025-09-01"}),
        call("PUT", f"/calendars/{borough}/2025-autumn", {"starts_on": "2025-09-03",
             "ends_on": "2025-12-19", "holidays": [{"starts_on": "2025-10-27",
             "ends_on": "2025-10-31", "kind": "half_term"}]}),
        call("POST", f"/officers/{officer}/ring-fence", {"ring_fenced_from": "2025-09-01",
             "authorised_by": f"insp-{run}"}),
        call("POST", f"/officers/{officer}/rosters", {"term": "2025-autumn"}),
    }  # fmt: skip
    abstraction_id = call(
        "POST",
        f"/officers/{officer}/abstractions",
        {"shift_date": "2025-09-10", "category": "aid_central", "authorised_by": f"insp-{run}",
         "exceptional": False, "note": "Sent to a demonstration in Westminster"},
    )  # fmt: skip

    # Then every event appears on Kafka as a CloudEvent valid against its committed schema
    def ours(topic: str, expected: int) -> list[CloudEvent]:
        found = [CloudEvent.from_kafka(r.headers, r.value) for r in read_all(topic)]
        mine = [e for e in found if e.data.get("borough") == borough]
        return mine if len(mine) >= expected else []

    events = wait_for(lambda: ours(STAFFING, 6), timeout=30, what="staffing events")
    abstractions = wait_for(lambda: ours(ABSTRACTIONS, 2), timeout=30, what="abstractions")
    for event in events + abstractions:
        schema = json.loads(schema_path(event.type).read_text())
        jsonschema.validate(event.data, schema)
        assert event.source.startswith("/ssp/staffing/")  # the store's own id follows
        assert (
            event.actorid == for_service("staffing").of(f"sgt-{run}")
            and event.actorrole == "borough_supervisor"
        )
        assert event.subject in ids or event.data.get("abstraction_id") == abstraction_id
    assert [e.type.split(".")[-2] for e in abstractions] == [
        "officer_abstracted",
        "ring_fence_breached",
    ]
    breach = abstractions[1].data
    assert breach["abstraction_id"] == abstraction_id
    assert (breach["hours"], breach["category"], breach["school_ids"]) == (
        8.0,
        "aid_central",
        [school],
    )
    # And the abstraction's free-text note never left the service
    assert all("Westminster" not in json.dumps(e.data) for e in abstractions)
    # And the roster reached Kafka with its 73 school days, half term skipped
    (roster,) = [e for e in events if e.type.endswith("roster_generated.v1")]
    assert len(roster.data["shifts"]) == 73
