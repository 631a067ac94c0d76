"""Every endpoint with every role: the permission table is what the API enforces."""

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from services.reporting.main import create_app
from services.reporting.permissions import PERMISSIONS
from services.runtime.auth import ROLES
from services.runtime.settings import ServiceSettings
from services.runtime.testing import bearer, guarded_routes, role_refused


@pytest.fixture(scope="module")
def client() -> Iterator[TestClient]:
    app = create_app(ServiceSettings.for_service("reporting", in_memory=True))
    with TestClient(app) as client:
        yield client


def test_every_action_in_the_table_guards_an_endpoint(client: TestClient) -> None:
    actions = {action for _, _, action in guarded_routes(client.app)}
    assert actions == set(PERMISSIONS)


@pytest.mark.parametrize("role", ROLES)
def test_each_role_is_refused_exactly_where_the_table_says(client: TestClient, role: str) -> None:
    for method, path, action in guarded_routes(client.app):
        response = client.request(method, path, headers=bearer(role, f"{role}-1", borough="B1"))
        assert role_refused(response) == (role not in PERMISSIONS[action]), (method, path, role)


def test_only_auditors_read_the_audit_trail() -> None:
    assert {r for a, roles in PERMISSIONS.items() if "audit" in a for r in roles} == {"auditor"}


def test_a_call_without_a_token_is_401(client: TestClient) -> None:
    for method, path, _ in guarded_routes(client.app):
        response = client.request(method, path)
        assert response.status_code == 401
        assert "bearer token" in response.json()["detail"]
