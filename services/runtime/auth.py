"""Bearer JWT authentication and the per-service permission table (DESIGN §5)."""

import logging
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import jwt
from fastapi import Depends, HTTPException, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from services.runtime.domain import Actor

log = logging.getLogger("ssp.auth")

ROLES = (
    "school_officer",
    "school_staff",
    "head_teacher",
    "disclosure_officer",
    "borough_supervisor",
    "auditor",
    "analyst",
    "service",
)
ISSUER = "ssp-dev"
ALGORITHM = "HS256"
_bearer = HTTPBearer(auto_error=False)


@dataclass(frozen=True)
class Principal:
    """The authenticated caller: who, which role, and the school or borough in scope."""

    sub: str
    role: str
    school: str | None = None
    borough: str | None = None

    def actor(self, correlation_id: str) -> Actor:
        """The Actor recorded on the events this caller causes."""
        return Actor(self.sub, self.role, correlation_id, self.school, self.borough)


def issue_token(
    secret: str,
    *,
    sub: str,
    role: str,
    school: str | None = None,
    borough: str | None = None,
    ttl_seconds: int = 12 * 3600,
) -> str:
    """A signed bearer token (development and tests; production tokens come from the IdP)."""
    if role not in ROLES:
        raise ValueError(f"role must be one of {', '.join(ROLES)}")
    now = int(time.time())
    claims: dict[str, Any] = {
        "sub": sub,
        "role": role,
        "iss": ISSUER,
        "iat": now,
        "exp": now + ttl_seconds,
    }
    if school:
        claims["school"] = school
    if borough:
        claims["borough"] = borough
    return jwt.encode(claims, secret, algorithm=ALGORITHM)


def verify_token(secret: str, token: str) -> Principal:
    """The Principal of a valid token; raises jwt.InvalidTokenError otherwise."""
    claims = jwt.decode(
        token, secret, algorithms=[ALGORITHM], issuer=ISSUER, options={"require": ["sub", "exp"]}
    )
    role = claims.get("role")
    if role not in ROLES:
        raise jwt.InvalidTokenError(f"unknown role {role!r}")
    return Principal(claims["sub"], role, claims.get("school"), claims.get("borough"))


class Permissions:
    """One service's permission table: action name to the roles allowed to perform it."""

    def __init__(self, secret: str, table: Mapping[str, frozenset[str] | set[str]]) -> None:
        unknown = {r for roles in table.values() for r in roles} - set(ROLES)
        if unknown:
            raise ValueError(f"unknown roles in permission table: {sorted(unknown)}")
        self.secret = secret
        self.table = {action: frozenset(roles) for action, roles in table.items()}

    def require(self, action: str) -> Callable[..., Any]:
        """FastAPI dependency: the caller must hold a role allowed to perform ``action``."""
        allowed = self.table[action]  # KeyError at start-up for a typo, not at request time

        async def dependency(request: Request) -> Principal:
            credentials: HTTPAuthorizationCredentials | None = await _bearer(request)
            if credentials is None:
                self._refuse(request, 401, "missing bearer token", action)
            try:
                principal = verify_token(self.secret, credentials.credentials)  # type: ignore[union-attr]
            except jwt.InvalidTokenError as exc:
                self._refuse(request, 401, f"invalid bearer token: {exc}", action)
            if principal.role not in allowed:
                self._refuse(
                    request,
                    403,
                    f"role {principal.role} may not {action};"
                    f" allowed: {', '.join(sorted(allowed))}",
                    action,
                    principal,
                )
            request.state.principal = principal
            return principal

        dependency.ssp_action = action  # type: ignore[attr-defined]  # read by the matrix test
        return dependency

    @staticmethod
    def _refuse(
        request: Request,
        status: int,
        message: str,
        action: str,
        principal: Principal | None = None,
    ) -> None:
        log.warning(
            "refused %s %s: %s",
            request.method,
            request.url.path,
            message,
            extra={
                "action": action,
                "status": status,
                "actor": principal.sub if principal else None,
            },
        )
        headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
        raise HTTPException(status, detail=message, headers=headers)


def forbid_outside_scope(
    principal: Principal, *, school: str | None = None, borough: str | None = None
) -> None:
    """403 when a school- or borough-scoped caller reaches beyond their scope."""
    if school is not None and principal.school is not None and principal.school != school:
        raise HTTPException(403, f"scope: token is for school {principal.school}, not {school}")
    if borough is not None and principal.borough is not None and principal.borough != borough:
        raise HTTPException(403, f"scope: token is for borough {principal.borough}, not {borough}")


def allow(action: str) -> Any:
    """Endpoint parameter default: the caller must be allowed ``action`` by the service's table."""

    async def check(request: Request) -> Principal:
        permissions: Permissions = request.app.state.ssp.permissions
        principal: Principal = await permissions.require(action)(request)
        return principal

    check.ssp_action = action  # type: ignore[attr-defined]  # read by the matrix test
    return Depends(check)
