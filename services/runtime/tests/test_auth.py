"""Bearer tokens: who may call, and the clear refusals for everyone else."""

import time
from pathlib import Path

import jwt
import pytest
from fastapi import APIRouter, FastAPI
from fastapi.testclient import TestClient

from services.runtime.auth import Permissions, Principal, allow, verify_token
from services.runtime.http import install_error_handlers
from services.runtime.service import ServiceContext
from services.runtime.settings import ServiceSettings
from services.runtime.tests.token_keys import TestIdP
from services.runtime.tokens import issue_token


@pytest.fixture
def idp(tmp_path: Path) -> TestIdP:
    return TestIdP(tmp_path)


@pytest.fixture
def client(idp: TestIdP) -> TestClient:
    router = APIRouter()

    @router.get("/things")
    def things(principal: Principal = allow("read_things")) -> dict[str, str]:
        return {"sub": principal.sub, "role": principal.role}

    app = FastAPI()
    app.state.ssp = ServiceContext(
        ServiceSettings.for_service("test", in_memory=True),
        Permissions(idp.verifier(), {"read_things": {"auditor"}}),
    )
    install_error_handlers(app)
    app.include_router(router)
    return TestClient(app)


def header(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_an_allowed_role_gets_through_with_its_identity(client: TestClient, idp: TestIdP) -> None:
    token = idp.sign(sub="auditor-1", role="auditor")
    assert client.get("/things", headers=header(token)).json() == {
        "sub": "auditor-1",
        "role": "auditor",
    }


def test_another_role_is_refused_with_403_naming_the_roles_allowed(
    client: TestClient, idp: TestIdP
) -> None:
    response = client.get("/things", headers=header(idp.sign(sub="a", role="analyst")))
    assert response.status_code == 403
    assert response.json()["detail"] == {
        "rule": "role-not-permitted",
        "message": "role analyst may not read_things; allowed: auditor",
        "field": None,
    }


def test_no_token_is_401(client: TestClient) -> None:
    response = client.get("/things")
    assert response.status_code == 401
    assert response.json()["detail"]["rule"] == "bearer-token"
    assert response.json()["detail"]["message"] == "missing bearer token"
    assert response.headers["WWW-Authenticate"] == "Bearer"


def test_a_token_signed_with_another_key_is_401(
    client: TestClient, idp: TestIdP, tmp_path: Path
) -> None:
    # Signed by another IdP's key that happens to carry a published key id.
    forged = TestIdP(tmp_path / "other").sign(kid="new")
    response = client.get("/things", headers=header(forged))
    assert response.status_code == 401
    assert "signature" in response.json()["detail"]["message"].lower()


def test_an_expired_token_is_401(client: TestClient, idp: TestIdP) -> None:
    expired = idp.sign(iat=int(time.time()) - 700, ttl=-100)
    response = client.get("/things", headers=header(expired))
    assert response.status_code == 401
    assert "expired" in response.json()["detail"]["message"]


def test_a_token_with_an_unknown_role_is_refused(idp: TestIdP) -> None:
    with pytest.raises(jwt.InvalidTokenError, match="unknown role"):
        verify_token(idp.verifier(), idp.sign(role="janitor"))


def test_issuing_a_token_for_an_unknown_role_fails() -> None:
    with pytest.raises(ValueError, match="role must be one of"):
        issue_token(sub="x", role="janitor", audience="ssp-incidents")


def test_a_permission_table_naming_an_unknown_role_fails_at_start_up(idp: TestIdP) -> None:
    with pytest.raises(ValueError, match="janitor"):
        Permissions(idp.verifier(), {"read": {"janitor"}})


def test_scope_claims_reach_the_principal(idp: TestIdP) -> None:
    token = idp.sign(sub="t-1", role="head_teacher", school="S1", borough="Camden")
    assert verify_token(idp.verifier(), token) == Principal("t-1", "head_teacher", "S1", "Camden")
