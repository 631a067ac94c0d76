"""The officer's search is the police record (Form 5090); school staff's is the school's own.

Source (Appendix 2): "The SSPO may search pupils in the execution of their statutory duty.
The SSPO may assist staff to search pupils. Where the SSPO searches a pupil a record of the
search will be made on MPS Form 5090". The form records what PACE Code A 4.3 asks (who
searched: the officer's number and station) and whether a receipt was offered; a search by
staff, assisted or not, is kept by the school and never published as a police stop and search.
"""

import csv
import io
import json
from typing import Any
from uuid import UUID

import pytest
from fastapi.testclient import TestClient
from ssp_contracts.events.incidents import SCHOOL_ONLY, SEARCHES

from services.incidents.api.context import IncidentsContext
from services.incidents.application import IncidentsApplication
from services.incidents.tests.conftest import OFFICER, at, officer_headers, staff_headers
from services.incidents.tests.stories import POLICE_FORM, search_body
from services.incidents.translation import translator
from services.runtime.endpoint import context_of
from services.runtime.testing import bearer

ANALYST = dict(bearer("analyst", "analyst-1"))


def staff_search(**overrides: Any) -> dict[str, Any]:
    """Overrides that make a search staff's own, the day before."""
    return {"searched_by": "school_staff", "searched_at": at(1, 11), **overrides}


def recorded(client: TestClient, headers: dict[str, str], **overrides: Any) -> str:
    response = client.post("/searches", json=search_body(**overrides), headers=headers)
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


def refused(response: Any, status: int, rule: str, field: str) -> None:
    assert response.status_code == status, response.text
    detail = response.json()["detail"]
    assert (detail["rule"], detail["field"]) == (rule, field)


def application(client: TestClient) -> IncidentsApplication:
    app = context_of(client.app, IncidentsContext).application  # type: ignore[arg-type]
    assert isinstance(app, IncidentsApplication)
    return app


def published(client: TestClient, search_id: str) -> list[tuple[str, str, dict[str, Any]]]:
    """(topic, event type, payload) of each of the search's events, as the relay sends them."""
    out = []
    for event in application(client).events.get(UUID(search_id)):
        message = translator.message(event)
        assert message is not None
        headers = dict(message.headers)
        out.append((message.topic, headers["ce_type"].decode(), json.loads(message.value)))
    return out


@pytest.mark.parametrize("field", list(POLICE_FORM))
def test_the_officers_search_needs_every_field_of_the_police_form(
    client: TestClient, field: str
) -> None:
    # Given the officer's own search without one of Form 5090's fields
    body = search_body(searched_at=at(1, 11))
    del body[field]
    # Then it is refused, naming the field
    response = client.post("/searches", json=body, headers=officer_headers())
    refused(response, 422, "police-search-record", field)


def test_the_officers_search_keeps_the_form_in_the_store_not_on_kafka(client: TestClient) -> None:
    # Given the officer's own search, on Form 5090
    search_id = recorded(client, officer_headers(), searched_at=at(1, 11))
    # Then the record shows the form, the officer's number and station, the receipt offered
    record = client.get(f"/searches/{search_id}?purpose=investigation", headers=officer_headers())
    assert record.status_code == 200, record.text
    assert {k: record.json()[k] for k in POLICE_FORM} == POLICE_FORM
    assert (record.json()["searched_by"], record.json()["officer_id"]) == ("officer", OFFICER)
    # And Kafka's police search names none of them: the number and station identify the officer
    [(topic, kind, payload)] = published(client, search_id)
    assert (topic, kind) == (SEARCHES, "uk.police.ssp.incidents.search_recorded.v1")
    assert not set(POLICE_FORM) & set(payload)
    assert not {POLICE_FORM["officer_number"], POLICE_FORM["station"]} & set(
        map(str, payload.values())
    )


@pytest.mark.parametrize("role", ["school_staff", "head_teacher"])
def test_school_staff_record_their_own_search_without_an_officer(
    client: TestClient, role: str
) -> None:
    # When a member of staff records the search they made, no officer present
    search_id = recorded(client, staff_headers(role=role), **staff_search())
    record = client.get(f"/searches/{search_id}?purpose=investigation", headers=staff_headers())
    # Then it is the school's record: no officer, no police form
    assert record.json()["searched_by"] == "school_staff"
    assert record.json()["officer_id"] is None
    assert record.json()["recorded_by"] == f"{role}-1"
    assert all(record.json()[k] is None for k in POLICE_FORM)


def test_staff_name_the_officer_who_assisted(client: TestClient) -> None:
    headers = staff_headers()
    search_id = recorded(client, headers, **staff_search(assisting_officer_id=OFFICER))
    record = client.get(f"/searches/{search_id}?purpose=investigation", headers=headers)
    assert record.json()["officer_id"] == OFFICER


def test_staff_cannot_record_the_officers_own_search(client: TestClient) -> None:
    # The officer's own search is the police record, and the officer makes it
    response = client.post("/searches", json=search_body(), headers=staff_headers())
    refused(response, 403, "police-search-by-officer", "searched_by")


def test_the_schools_record_carries_no_police_form(client: TestClient) -> None:
    body = search_body(**staff_search(form_reference="5090/TW/1"))
    response = client.post("/searches", json=body, headers=staff_headers())
    refused(response, 422, "school-search-record", "form_reference")


def test_an_officer_records_as_themselves(client: TestClient) -> None:
    body = search_body(**staff_search(assisting_officer_id="officer-999"))
    response = client.post("/searches", json=body, headers=officer_headers())
    refused(response, 422, "assisting-officer", "assisting_officer_id")


def test_the_schools_search_is_published_only_on_the_school_topic(client: TestClient) -> None:
    # Given staff's search of a pupil, the officer assisting, and the parents told
    search_id = recorded(client, officer_headers(), **staff_search())
    told = {"informed_at": at(1, 14).isoformat()}
    assert client.post(
        f"/searches/{search_id}/parents-informed", json=told, headers=staff_headers()
    ).is_success
    # Then both events are the school's contracts, on the school-only topic
    events = published(client, search_id)
    assert [(t, k.split(".")[4]) for t, k, _ in events] == [
        (SCHOOL_ONLY, "school_search_recorded"),
        (SCHOOL_ONLY, "school_search_parents_informed"),
    ]
    assert events[0][2]["assisting_officer_id"] is not None  # the officer, as a pseudonym
    assert "searched_by" not in events[0][2]


def test_only_police_searches_are_exported_as_stop_and_search(client: TestClient) -> None:
    # Given the officer's search and two of the school's (one the officer assisted)
    police = recorded(client, officer_headers(), searched_at=at(1, 11))
    recorded(client, officer_headers(), **staff_search())
    recorded(client, staff_headers(), **staff_search())
    # When an analyst exports the data.police.uk stop-and-search file
    response = client.get("/searches/export.csv?purpose=statistics", headers=ANALYST)
    # Then it has the police search only
    rows = list(csv.reader(io.StringIO(response.text)))
    assert len(rows) == 2
    # And the school's records are listed apart
    listed = client.get("/searches?searched_by=officer", headers=officer_headers()).json()
    assert [s["id"] for s in listed] == [police]
    school = client.get("/searches?searched_by=school_staff", headers=staff_headers()).json()
    assert len(school) == 2
