"""Domain errors become 4xx answers that name the rule and the field."""

import uuid

import pytest
from eventsourcing.application import AggregateNotFoundError
from eventsourcing.persistence import IntegrityError
from fastapi import FastAPI
from fastapi.testclient import TestClient

from services.runtime.domain import RuleViolation, StateConflict
from services.runtime.http import install_correlation, install_error_handlers


def client_raising(exc: Exception) -> TestClient:
    app = FastAPI()
    install_error_handlers(app)
    install_correlation(app)

    @app.post("/things")
    def act() -> None:
        raise exc

    return TestClient(app, raise_server_exceptions=False)


def test_a_broken_rule_is_422_naming_rule_and_field() -> None:
    response = client_raising(
        RuleViolation("arrest-necessity", "an arrest needs its necessity", "necessity")
    ).post("/things")
    assert response.status_code == 422
    assert response.json()["detail"] == {
        "rule": "arrest-necessity",
        "message": "an arrest needs its necessity",
        "field": "necessity",
    }


def test_a_state_conflict_is_409() -> None:
    response = client_raising(StateConflict("handed-over", "already handed over")).post("/things")
    assert response.status_code == 409
    assert response.json()["detail"]["rule"] == "handed-over"


def test_a_concurrent_change_is_409_and_asks_to_retry() -> None:
    response = client_raising(IntegrityError("duplicate key")).post("/things")
    assert response.status_code == 409
    assert response.json()["detail"]["rule"] == "concurrent-change"
    assert "changed concurrently" in response.json()["detail"]["message"]


def test_an_unknown_record_is_404() -> None:
    response = client_raising(AggregateNotFoundError("abc")).post("/things")
    assert response.status_code == 404


def test_every_answer_carries_a_correlation_id_and_echoes_the_callers() -> None:
    client = client_raising(StateConflict("x", "y"))
    theirs = "0F8FAD5B-D9CB-469F-A165-70867728950E"
    echoed = client.post("/things", headers={"X-Correlation-ID": theirs}).headers
    assert echoed["X-Correlation-ID"] == theirs.lower()
    made = client.post("/things").headers["X-Correlation-ID"]
    assert str(uuid.UUID(made)) == made


@pytest.mark.parametrize(
    "given",
    ["c-42", "x" * 129, "Jo Bloggs DOB 01/02/2012", "{0f8fad5b-d9cb-469f-a165-70867728950e}"],
)
def test_a_correlation_id_that_is_not_a_uuid_is_refused(given: str) -> None:
    client = client_raising(RuntimeError("not reached"))
    response = client.post("/things", headers={"X-Correlation-ID": given})
    assert response.status_code == 422
    assert response.json()["detail"]["rule"] == "correlation-id"
    assert response.json()["detail"]["field"] == "header.X-Correlation-ID"
    assert "UUID" in response.json()["detail"]["message"]
