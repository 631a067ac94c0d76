"""Every endpoint with every role: the permission table is what the API enforces."""

import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from services.incidents.main import create_app
from services.incidents.permissions import PERMISSIONS
from services.runtime.auth import ROLES
from services.runtime.settings import ServiceSettings
from services.runtime.testing import bearer, guarded_routes, role_refused

PATH_VALUES = {
    "school_id": "school-001",
    "term": "2026-autumn",
}
ANY_ID = "00000000-0000-0000-0000-000000000000"


def concrete(path: str) -> str:
    """The route's path with a value for each parameter."""
    return re.sub(r"\{(\w+)\}", lambda m: PATH_VALUES.get(m[1], ANY_ID), path)


@pytest.fixture(scope="module")
def client() -> Iterator[TestClient]:
    app = create_app(ServiceSettings.for_service("incidents", in_memory=True))
    with TestClient(app) as client:
        yield client


def test_every_action_in_the_table_guards_an_endpoint(client: TestClient) -> None:
    actions = {action for _, _, action in guarded_routes(client.app)}
    assert actions == set(PERMISSIONS)


def test_the_matrix_covers_commands_and_queries(client: TestClient) -> None:
    methods = {method for method, _, _ in guarded_routes(client.app)}
    assert {"GET", "POST", "PUT"} <= methods
    assert len(guarded_routes(client.app)) >= 30


@pytest.mark.parametrize("role", ROLES)
def test_each_role_is_refused_exactly_where_the_table_says(client: TestClient, role: str) -> None:
    for method, path, action in guarded_routes(client.app):
        headers = bearer(role, f"{role}-1", school="school-001")
        response = client.request(method, concrete(path), headers=headers, json={})
        assert role_refused(response) == (role not in PERMISSIONS[action]), (method, path, role)


def test_a_call_without_a_token_is_401(client: TestClient) -> None:
    for method, path, _ in guarded_routes(client.app):
        response = client.request(method, concrete(path), json={})
        assert response.status_code == 401, (method, path)
        assert "bearer token" in response.json()["detail"]


def test_a_forged_token_is_401(client: TestClient) -> None:
    headers = {"Authorization": "Bearer not-a-token"}
    for method, path, _ in guarded_routes(client.app):
        assert client.request(method, concrete(path), headers=headers, json={}).status_code == 401
