"""Who holds the data, over HTTP and on Kafka: the terms are recorded, vocabularies only.

Appendix 2: "Section 115 Crime and Disorder Act 1998 enables the sharing of confidential
information between local authorities, schools and police."
"""

from typing import Any

from fastapi.testclient import TestClient

from services.disclosure.application import DisclosureApplication
from services.disclosure.tests.api_helpers import DO, HEAD, OFFICER, ROUTINE, signed, submitted
from services.disclosure.tests.conftest import NOW, routine_form, submit
from services.disclosure.translation import translator

SCHOOL_HELD: dict[str, Any] = {
    **ROUTINE,
    "categories": ["attendance", "health"],
    "data_controller": "school",
    "isa_ref": "ISA-WF-2025-03",
    "onward_use": ["stated_purpose_only", "court_proceedings"],
    "retain_until": "2027-12-31",
}
DECIDE = {"outcome": "disclose_full", "reasoning": "Necessary for the investigation"}


def test_the_terms_are_recorded_with_their_defaults(client: TestClient) -> None:
    request_id = submitted(client, SCHOOL_HELD)
    view = client.get(f"/requests/{request_id}?purpose=case_management", headers=HEAD).json()
    assert view["data_controller"] == "school"
    assert view["direction"] == "school_to_police"
    assert view["special_category"] is True  # health, declared by default
    assert view["isa_ref"] == "ISA-WF-2025-03"
    assert view["onward_use"] == ["stated_purpose_only", "court_proceedings"]
    assert view["retain_until"] == "2027-12-31"
    police = submitted(client)
    view = client.get(f"/requests/{police}?purpose=case_management", headers=HEAD).json()
    assert (view["data_controller"], view["onward_use"]) == (
        "police", ["stated_purpose_only", "no_onward_sharing"]
    )  # fmt: skip
    assert view["retain_until"] == "2032-11-23"  # the retention period from submission


def test_onward_use_is_a_vocabulary_not_free_text(client: TestClient) -> None:
    body = {**SCHOOL_HELD, "onward_use": ["Give it to the housing officer"]}
    response = client.post("/requests", json=body, headers=OFFICER)
    assert response.status_code == 422
    assert response.json()["detail"]["field"] == "onward_use.0"
    assert response.json()["detail"]["rule"] == "literal-error"


def test_a_school_held_category_asked_of_the_police_is_a_422(client: TestClient) -> None:
    response = client.post("/requests", json={**ROUTINE, "categories": ["sen"]}, headers=OFFICER)
    assert response.status_code == 422
    response = client.post(
        "/requests", json={**ROUTINE, "categories": ["exclusions"]}, headers=OFFICER
    )
    assert response.status_code == 422
    assert response.json()["detail"]["rule"] == "category-held-by-school"
    assert response.json()["detail"]["field"] == "categories"


def test_the_controller_decides_over_http(client: TestClient) -> None:
    request_id = submitted(client, SCHOOL_HELD)
    signed(client, request_id)
    response = client.post(f"/requests/{request_id}/decision", json=DECIDE, headers=DO)
    assert response.status_code == 403
    assert response.json()["detail"]["rule"] == "school-data-released-by-head-teacher"
    response = client.post(f"/requests/{request_id}/decision", json=DECIDE, headers=HEAD)
    assert response.status_code == 201, response.text
    # The disclosure officer's queue holds only what the police decide.
    queue = client.get("/queue?borough=waltham-forest", headers=DO).json()
    assert request_id not in {item["id"] for item in queue}


def test_the_terms_go_on_kafka_as_codes(app: DisclosureApplication) -> None:
    form = routine_form(
        categories=["special_educational_needs"],
        data_controller="school",
        isa_ref="ISA-WF-2025-03",
        onward_use=["no_onward_sharing"],
    )
    submit(app, form, NOW)
    [note] = app.recorder.select_notifications(1, 1)
    message = translator.translate(app.mapper.to_domain_event(note))
    assert message is not None and message.type.endswith("request_submitted.v1")
    assert {k: message.data[k] for k in ("data_controller", "direction", "special_category")} == {
        "data_controller": "school", "direction": "school_to_police", "special_category": True
    }  # fmt: skip
    assert message.data["onward_use"] == ["no_onward_sharing"]
    assert message.data["isa_ref"] == "ISA-WF-2025-03"
