"""Writes need a token before their body is read, big bodies get 413 unread, errors name rules."""

from collections.abc import Iterator
from datetime import datetime
from types import SimpleNamespace
from typing import cast

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from pydantic import BaseModel, Field

from services.runtime.guards import install_request_guards
from services.runtime.http import install_error_handlers
from services.runtime.inputs import Instant, Text
from services.runtime.settings import ServiceSettings
from services.runtime.testing import bearer
from services.runtime.tokens import verifier_for

LIMIT = 1024
TOKEN = bearer("school_officer", "officer-1", audience="ssp-test")


class Thing(BaseModel):
    """A body with a bounded list and a moment."""

    name: Text = Field(max_length=20)
    at: Instant
    tags: list[str] = Field(default_factory=list, max_length=3)


@pytest.fixture
def client() -> TestClient:
    app = FastAPI()
    install_error_handlers(app)
    install_request_guards(app, LIMIT)
    verifier = verifier_for(ServiceSettings.for_service("test", in_memory=True))
    app.state.ssp = SimpleNamespace(permissions=SimpleNamespace(verifier=verifier))
    app.state.bodies_read = 0

    @app.post("/things")
    def create(thing: Thing) -> dict[str, str]:
        app.state.bodies_read += 1
        return {"name": thing.name}

    @app.get("/things")
    def find(since: Instant | None = None) -> dict[str, datetime | None]:
        return {"since": since}

    return TestClient(app, headers=dict(TOKEN))


def test_a_declared_length_over_the_limit_is_413_naming_the_rule(client: TestClient) -> None:
    body = b'{"name": "' + b"x" * 2 * LIMIT + b'"}'
    response = client.post("/things", content=body, headers={"content-type": "application/json"})
    assert response.status_code == 413
    assert response.json()["detail"] == {
        "rule": "body-too-large",
        "message": f"request body exceeds the limit of {LIMIT} bytes",
        "field": None,
    }
    assert cast(FastAPI, client.app).state.bodies_read == 0


def test_a_streamed_body_is_counted_and_refused_past_the_limit(client: TestClient) -> None:
    def chunks() -> Iterator[bytes]:
        yield b'{"name": "'
        for _ in range(8):
            yield b"x" * 256
        yield b'"}'

    response = client.post(
        "/things", content=chunks(), headers={"content-type": "application/json"}
    )
    assert response.status_code == 413
    assert response.json()["detail"]["rule"] == "body-too-large"


def test_a_body_under_the_limit_passes(client: TestClient) -> None:
    response = client.post("/things", json={"name": "ok", "at": "2026-07-01T08:00:00+01:00"})
    assert response.status_code == 200, response.text


def test_a_body_field_error_names_the_field_and_the_rule(client: TestClient) -> None:
    response = client.post("/things", json={"name": "ok", "at": "2026-07-01T08:00:00"})
    assert response.status_code == 422
    assert response.json()["detail"] == {
        "rule": "timezone-required",
        "message": "at: must include a timezone",
        "field": "at",
    }


def test_a_list_over_its_size_names_the_rule(client: TestClient) -> None:
    body = {"name": "ok", "at": "2026-07-01T08:00:00Z", "tags": ["a", "b", "c", "d"]}
    detail = client.post("/things", json=body).json()["detail"]
    assert (detail["rule"], detail["field"]) == ("too-long", "tags")


def test_a_query_parameter_error_names_where_it_came_from(client: TestClient) -> None:
    response = client.get("/things", params={"since": "2026-01-01T00:00:00"})
    assert response.status_code == 422
    detail = response.json()["detail"]
    assert (detail["rule"], detail["field"]) == ("timezone-required", "query.since")


def test_broken_json_is_a_422_of_the_body(client: TestClient) -> None:
    response = client.post(
        "/things", content=b'{"name": ', headers={"content-type": "application/json"}
    )
    assert response.status_code == 422
    assert response.json()["detail"]["rule"] == "json-invalid"
    assert response.json()["detail"]["field"] == "body"


@pytest.mark.parametrize(
    ("authorization", "message"),
    [
        ("", "missing bearer token"),
        ("Basic abc", "missing bearer token"),
        ("Bearer not-a-token", "invalid bearer token: Not enough segments"),
    ],
)
def test_a_write_without_a_valid_token_is_401_before_its_body_is_read(
    client: TestClient, authorization: str, message: str
) -> None:
    body = {"name": "ok", "at": "2026-07-01T08:00:00Z"}
    response = client.post("/things", json=body, headers={"Authorization": authorization})
    assert response.status_code == 401
    assert response.json()["detail"] == {"rule": "bearer-token", "message": message, "field": None}
    assert response.headers["WWW-Authenticate"] == "Bearer"
    assert cast(FastAPI, client.app).state.bodies_read == 0


def test_the_openapi_document_shows_422_answers_as_they_are(client: TestClient) -> None:
    document = client.get("/openapi.json").json()
    refusal = document["components"]["schemas"]["HTTPValidationError"]
    assert refusal["properties"]["detail"]["required"] == ["rule", "message", "field"]
    assert "ValidationError" not in document["components"]["schemas"]
    name = document["components"]["schemas"]["Thing"]["properties"]["name"]
    assert name["pattern"] == r"^[^\x00-\x1f\x7f-\x9f]*$"
