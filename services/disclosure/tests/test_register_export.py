"""The register of a borough, its filters, and the CSV data sharing log."""

import csv
import io

from fastapi.testclient import TestClient

from services.disclosure.tests.api_helpers import (
    AUDITOR,
    DO,
    OFFICER,
    RELEASE,
    ROUTINE,
    signed,
    submitted,
)
from services.runtime.testing import bearer

EXCHANGE = {
    "school_id": "school-1",
    "borough": "waltham-forest",
    "partner_body": "local_authority",
    "partner": "Youth Offending Team",
    "topic": '=HYPERLINK("http://x")',
    "exchanged_on": "2026-01-05",
    "personal_data": False,
}


def given_a_released_and_a_refused_request(client: TestClient) -> tuple[str, str]:
    released, refused = submitted(client), submitted(client)
    for request_id in (released, refused):
        signed(client, request_id)
    client.post(
        f"/requests/{released}/decision",
        json={"outcome": "disclose_full", "reasoning": "Necessary to trace the offender"},
        headers=DO,
    )
    client.post(f"/requests/{released}/release", json=RELEASE, headers=DO)
    client.post(
        f"/requests/{refused}/decision",
        json={"outcome": "refuse", "reasoning": "Purpose met without personal data"},
        headers=DO,
    )
    return released, refused


def test_the_register_filters_by_outcome_and_kind(client: TestClient) -> None:
    # Given two decided requests and a planning exchange in the borough
    released, refused = given_a_released_and_a_refused_request(client)
    assert client.post("/exchanges", json=EXCHANGE, headers=OFFICER).status_code == 201

    # When the auditor reads the register, whole and filtered
    def read(**params: str) -> list[str]:
        answer = client.get(
            "/register", params={"borough": "waltham-forest", **params}, headers=AUDITOR
        )
        assert answer.status_code == 200, answer.text
        return [e["id"] for e in answer.json()]

    # Then every record is there, and the filters select
    assert len(read()) == 3
    assert read(outcome="refuse") == [refused]
    assert read(status="released") == [released]
    assert len(read(kind="planning_exchange")) == 1
    assert read(school_id="school-2") == []


def test_the_csv_export_carries_the_data_sharing_log_fields(client: TestClient) -> None:
    # Given a released request and a logged exchange
    released, _ = given_a_released_and_a_refused_request(client)
    client.post("/exchanges", json=EXCHANGE, headers=OFFICER)

    # When the auditor exports the register
    response = client.get(
        "/register.csv", params={"borough": "waltham-forest", "purpose": "audit"}, headers=AUDITOR
    )

    # Then it is a CSV attachment with decision, reasoning, what, to whom, when, basis, by whom
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    assert "attachment" in response.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(response.text)))
    row = next(r for r in rows if r["record_id"] == released)
    assert row["decision"] == "disclose_full"
    assert row["reasoning"] == "Necessary to trace the offender"
    assert row["what_shared"] == RELEASE["information_shared"]
    assert row["shared_with"] == RELEASE["recipient"]
    assert row["shared_at"] and row["means"] == "secure_email"
    assert row["lawful_basis"] == ROUTINE["lawful_basis"]
    assert row["authorised_by"] == "do-1"
    assert row["countersigned_by"] == "head-1"
    assert (row["data_controller"], row["direction"]) == ("police", "police_to_school")
    assert row["onward_use"] == "stated_purpose_only;no_onward_sharing"
    assert row["special_category"] == "False" and row["recipient_retains_until"]
    # And a cell that a spreadsheet would run as a formula is defused
    exchange = next(r for r in rows if r["record_kind"] == "planning_exchange")
    assert exchange["topic"].startswith("'=")


def test_the_register_of_another_borough_is_out_of_scope(client: TestClient) -> None:
    scoped_auditor = bearer("auditor", "auditor-2", borough="hackney")
    response = client.get("/register", params={"borough": "waltham-forest"}, headers=scoped_auditor)
    assert response.status_code == 403
    assert response.json()["detail"]["rule"] == "outside-scope"


def test_a_borough_beyond_latin_1_still_gets_its_csv(client: TestClient) -> None:
    response = client.get(
        "/register.csv", params={"borough": "Łódź €", "purpose": "audit"}, headers=AUDITOR
    )
    assert response.status_code == 200, response.text
    assert "disclosure-register-" in response.headers["Content-Disposition"]
