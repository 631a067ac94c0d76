"""Every endpoint with every role: the permission table is what the API enforces."""

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from services.disclosure.main import create_app
from services.disclosure.permissions import PERMISSIONS
from services.runtime.auth import ROLES
from services.runtime.settings import ServiceSettings
from services.runtime.testing import bearer, guarded_routes, role_refused

SOME_ID = "00000000-0000-0000-0000-000000000000"


@pytest.fixture(scope="module")
def client() -> Iterator[TestClient]:
    app = create_app(ServiceSettings.for_service("disclosure", in_memory=True))
    with TestClient(app) as client:
        yield client


def test_every_action_in_the_table_guards_an_endpoint(client: TestClient) -> None:
    actions = {action for _, _, action in guarded_routes(client.app)}
    assert actions == set(PERMISSIONS)
    assert len(guarded_routes(client.app)) == 15


@pytest.mark.parametrize("role", ROLES)
def test_each_role_is_refused_exactly_where_the_table_says(client: TestClient, role: str) -> None:
    for method, path, action in guarded_routes(client.app):
        url = path.replace("{request_id}", SOME_ID)
        headers = bearer(role, f"{role}-1", school="school-1", borough="waltham-forest")
        response = client.request(method, url, headers=headers, json={})
        assert role_refused(response) == (role not in PERMISSIONS[action]), (method, path, role)


def test_a_call_without_a_token_is_401(client: TestClient) -> None:
    for method, path, _ in guarded_routes(client.app):
        response = client.request(method, path.replace("{request_id}", SOME_ID), json={})
        assert response.status_code == 401
        assert "bearer token" in response.json()["detail"]


def test_nobody_may_countersign_decide_or_release_beside_the_named_roles() -> None:
    # The protocol's separation of duties, stated once more against accidental widening
    assert PERMISSIONS["countersign_request"] == {"head_teacher"}
    for action in ("decide_request", "correct_decision", "record_release", "close_request"):
        assert PERMISSIONS[action] == {"disclosure_officer"}
    assert "analyst" not in PERMISSIONS["read_register"]
