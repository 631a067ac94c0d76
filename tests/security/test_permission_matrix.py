"""Every route of every service with every role and every kind of token, from one table each.

The permission table (``services/<service>/permissions.py``) and the runtime's table of the
claims each role must carry (``services/runtime/scope.py``) are what the APIs enforce:
a role outside the table is refused, a token without the claim its role needs is refused on
every route, and a malformed token is a 401, never a 500.
"""

import importlib
import re
import time
from collections.abc import Iterator, Mapping
from typing import Any

import jwt
import pytest
from fastapi.testclient import TestClient

from services.runtime.scope import REQUIRED_CLAIMS, ROLES
from services.runtime.settings import ServiceSettings
from services.runtime.testing import (
    bearer,
    guarded_routes,
    raw_bearer,
    refusal_rule,
    role_refused,
)

SERVICES = ("incidents", "disclosure", "staffing", "reporting")
SCHOOL, BOROUGH = "school-001", "waltham-forest"
PATH_VALUES = {
    "school_id": SCHOOL,
    "officer_id": "officer-001",
    "borough": BOROUGH,
    "term": "2026-autumn",
    "day": "2026-09-10",
    "kind": "schools",
}
ANY_ID = "00000000-0000-0000-0000-000000000000"
MIN_ROUTES = {"incidents": 30, "disclosure": 15, "staffing": 20, "reporting": 8}
MALFORMED: dict[str, dict[str, Any]] = {
    "a list as school": {"sub": "x-1", "role": "head_teacher", "school": [SCHOOL]},
    "a number as borough": {"sub": "x-1", "role": "borough_supervisor", "borough": 7},
    "an object as sub": {"sub": {"id": 1}, "role": "auditor"},
    "an empty sub": {"sub": "", "role": "auditor"},
    "a staff reference that is not one": {
        "sub": "x-1",
        "role": "head_teacher",
        "school": SCHOOL,
        "staff_ref": "Jane Smith",
    },
    "an unknown role": {"sub": "x-1", "role": "superuser"},
    "no role": {"sub": "x-1"},
}
REVOKED_JTI = "revoked-jti-0001"
ADMITTED = {"sub": "auditor-1", "role": "auditor"}
# Tokens a service refuses whatever the role: each breaks one rule of runtime/tokens.py.
REFUSED_TOKENS: dict[str, tuple[dict[str, Any], dict[str, Any]]] = {
    "another service's audience": ({"aud": "ssp-elsewhere"}, {}),
    "no audience": ({"aud": None}, {}),
    "another issuer": ({"iss": "https://idp.elsewhere.test"}, {}),
    "expired": ({"iat": int(time.time()) - 1200, "exp": int(time.time()) - 300}, {}),
    "a lifetime over the cap": ({"exp": int(time.time()) + 3600}, {}),
    "a revoked jti": ({"jti": REVOKED_JTI}, {}),
    "no jti": ({"jti": None}, {}),
    "an unknown key id": ({}, {"kid": "not-in-the-jwks"}),
}


def concrete(path: str) -> str:
    """The route's path with a value for each parameter (an unknown id for record ids)."""
    return re.sub(r"\{(\w+)\}", lambda m: PATH_VALUES.get(m[1], ANY_ID), path)


def permissions_of(service: str) -> dict[str, set[str]]:
    """The service's permission table."""
    table: dict[str, set[str]] = importlib.import_module(
        f"services.{service}.permissions"
    ).PERMISSIONS
    return table


@pytest.fixture(scope="module", params=SERVICES)
def service(request: pytest.FixtureRequest) -> Iterator[tuple[str, TestClient]]:
    """Each service's app on in-memory persistence, behind FastAPI's test client."""
    name: str = request.param
    create_app = importlib.import_module(f"services.{name}.main").create_app
    settings = ServiceSettings.for_service(name, in_memory=True, jwt_revoked_jtis=REVOKED_JTI)
    with TestClient(create_app(settings)) as client:
        yield name, client


def routes(client: TestClient) -> list[tuple[str, str, str]]:
    """(method, concrete path, action) of every guarded route."""
    return [(m, concrete(p), a) for m, p, a in guarded_routes(client.app)]


def call(client: TestClient, method: str, path: str, headers: Mapping[str, str]) -> Any:
    """One request with an empty JSON body (refusals come before the body matters)."""
    return client.request(method, path, headers=headers, json={})


def test_every_action_in_the_table_guards_an_endpoint(service: tuple[str, TestClient]) -> None:
    name, client = service
    assert {action for _, _, action in routes(client)} == set(permissions_of(name))
    # A router left out of create_app would shrink the matrix without failing the line above
    assert len(routes(client)) >= MIN_ROUTES[name]


@pytest.mark.parametrize("role", ROLES)
def test_each_role_is_refused_exactly_where_the_table_says(
    service: tuple[str, TestClient], role: str
) -> None:
    name, client = service
    table = permissions_of(name)
    headers = bearer(role, f"{role}-1", school=SCHOOL, borough=BOROUGH)
    for method, path, action in routes(client):
        response = call(client, method, path, headers)
        assert role_refused(response) == (role not in table[action]), (method, path, role)


@pytest.mark.parametrize("role", [r for r in ROLES if REQUIRED_CLAIMS[r]])
@pytest.mark.parametrize("absent", ["missing", "empty"])
def test_a_token_without_its_roles_claim_reaches_no_route(
    service: tuple[str, TestClient], role: str, absent: str
) -> None:
    name, client = service
    table = permissions_of(name)
    for claim in REQUIRED_CLAIMS[role]:
        claims = {"sub": f"{role}-1", "role": role, "school": SCHOOL, "borough": BOROUGH}
        if absent == "missing":
            del claims[claim]
        else:
            claims[claim] = ""
        for method, path, action in routes(client):
            if role not in table[action]:
                continue
            response = call(client, method, path, raw_bearer(claims))
            assert response.status_code == 403, (method, path, role, claim)
            assert refusal_rule(response) == "scope-claim-required", (method, path)
            assert response.json()["detail"]["field"] == claim


@pytest.mark.parametrize("kind", MALFORMED)
def test_a_malformed_token_is_401_on_every_route(
    service: tuple[str, TestClient], kind: str
) -> None:
    _, client = service
    for method, path, _ in routes(client):
        response = call(client, method, path, raw_bearer(MALFORMED[kind]))
        assert response.status_code == 401, (method, path, kind)
        assert refusal_rule(response) == "bearer-token"


def test_a_call_without_a_token_or_with_a_forged_one_is_401(
    service: tuple[str, TestClient],
) -> None:
    _, client = service
    for method, path, _ in routes(client):
        for headers in ({}, {"Authorization": "Bearer not-a-token"}):
            response = call(client, method, path, headers)
            assert response.status_code == 401, (method, path)
            assert refusal_rule(response) == "bearer-token"
            assert response.headers["WWW-Authenticate"] == "Bearer"


@pytest.mark.parametrize("kind", REFUSED_TOKENS)
def test_a_token_not_for_this_service_now_is_401_on_every_route(
    service: tuple[str, TestClient], kind: str
) -> None:
    name, client = service
    claims, headers = REFUSED_TOKENS[kind]
    if kind == "another service's audience":
        other = next(s for s in SERVICES if s != name)
        claims = {"aud": f"ssp-{other}"}
    token = raw_bearer({**ADMITTED, **claims}, headers)
    for method, path, _ in routes(client):
        response = call(client, method, path, token)
        assert response.status_code == 401, (method, path, kind)
        assert refusal_rule(response) == "bearer-token"
        assert response.headers["WWW-Authenticate"] == "Bearer"


@pytest.mark.parametrize("alg", ["HS256", "none"])
def test_a_token_signed_with_a_shared_secret_or_unsigned_is_401_on_every_route(
    service: tuple[str, TestClient], alg: str
) -> None:
    _, client = service
    good = raw_bearer(ADMITTED)["Authorization"].removeprefix("Bearer ")
    claims = jwt.decode(good, options={"verify_signature": False})
    kid = jwt.get_unverified_header(good)["kid"]
    secret = "the-old-shared-hs256-secret-of-every-service" if alg == "HS256" else ""
    forged = jwt.encode(claims, secret, algorithm=alg, headers={"kid": kid})
    for method, path, _ in routes(client):
        response = call(client, method, path, {"Authorization": f"Bearer {forged}"})
        assert response.status_code == 401, (method, path, alg)
        assert refusal_rule(response) == "bearer-token"


def test_a_token_for_this_service_is_admitted(service: tuple[str, TestClient]) -> None:
    name, client = service
    token = raw_bearer({**ADMITTED, "aud": f"ssp-{name}"})
    statuses = {call(client, m, p, token).status_code for m, p, _ in routes(client)}
    assert 401 not in statuses
