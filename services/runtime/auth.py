"""Bearer JWT authentication and the per-service permission table (DESIGN §5)."""

import logging
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, NoReturn

import jwt
from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from services.runtime.domain import Actor, Forbidden, Unauthenticated
from services.runtime.scope import ROLES, claim_refusal, forbid_outside, missing_claim
from services.runtime.tokens import TokenVerifier

log = logging.getLogger("ssp.auth")

STAFF_REF = re.compile(r"staff-[0-9a-f]{12,64}\Z")
# Where a request's already verified principal is kept in the ASGI scope's state.
VERIFIED = "ssp_principal"
_bearer = HTTPBearer(auto_error=False)


@dataclass(frozen=True)
class Principal:
    """The authenticated caller: who, which role, and the school or borough in scope."""

    sub: str
    role: str
    school: str | None = None
    borough: str | None = None
    # The member of staff's pseudonymous reference (school roles), to tell an accused apart.
    staff_ref: str | None = None

    def actor(self, correlation_id: str) -> Actor:
        """The Actor recorded on the events this caller causes."""
        return Actor(self.sub, self.role, correlation_id, self.school, self.borough)

    def claims(self) -> dict[str, str | None]:
        """The scope claims the token carried."""
        return {"school": self.school, "borough": self.borough}


def verify_token(verifier: TokenVerifier, token: str) -> Principal:
    """The Principal of a valid token; raises jwt.InvalidTokenError otherwise."""
    claims = verifier.verify(token)
    role = claims.get("role")
    if role not in ROLES:
        raise jwt.InvalidTokenError(f"unknown role {role!r}")
    # A claim of the wrong JSON type (a list as school) is a malformed token, never a 500.
    for name in ("sub", "school", "borough", "staff_ref"):
        value = claims.get(name)
        if value is not None and not isinstance(value, str):
            raise jwt.InvalidTokenError(f"claim {name} must be a string")
    if not claims["sub"]:
        raise jwt.InvalidTokenError("claim sub must not be empty")
    staff_ref = claims.get("staff_ref")
    if staff_ref is not None and not STAFF_REF.match(staff_ref):
        raise jwt.InvalidTokenError("claim staff_ref must read staff-<hex>")
    return Principal(
        claims["sub"], role, claims.get("school"), claims.get("borough"), staff_ref or None
    )


class Permissions:
    """One service's permission table: action name to the roles allowed to perform it."""

    def __init__(
        self, verifier: TokenVerifier, table: Mapping[str, frozenset[str] | set[str]]
    ) -> None:
        unknown = {r for roles in table.values() for r in roles} - set(ROLES)
        if unknown:
            raise ValueError(f"unknown roles in permission table: {sorted(unknown)}")
        self.verifier = verifier
        self.table = {action: frozenset(roles) for action, roles in table.items()}

    def require(self, action: str) -> Callable[..., Any]:
        """FastAPI dependency: the caller must hold a role allowed to perform ``action``."""
        allowed = self.table[action]  # KeyError at start-up for a typo, not at request time

        async def dependency(request: Request) -> Principal:
            # A write's token was verified before its body was read (guards.BearerFirst).
            principal = request.scope.get("state", {}).get(VERIFIED)
            if principal is None:
                principal = await self._verified(request)
            if principal.role not in allowed:
                message = (
                    f"role {principal.role} may not {action}; allowed: {', '.join(sorted(allowed))}"
                )
                self._refuse(request, Forbidden("role-not-permitted", message), principal)
            # Scope fails closed: a token without the claim its role needs reaches no route.
            claim = missing_claim(principal.role, principal.claims())
            if claim is not None:
                self._refuse(request, claim_refusal(principal.role, claim), principal)
            request.state.principal = principal
            return principal

        dependency.ssp_action = action  # type: ignore[attr-defined]  # read by the matrix test
        return dependency

    async def _verified(self, request: Request) -> Principal:
        """The principal of the request's bearer token, or a 401."""
        credentials: HTTPAuthorizationCredentials | None = await _bearer(request)
        if credentials is None:
            self._refuse(request, Unauthenticated("bearer-token", "missing bearer token"))
        try:
            return verify_token(self.verifier, credentials.credentials)
        except jwt.InvalidTokenError as exc:
            refusal = Unauthenticated("bearer-token", f"invalid bearer token: {exc}")
            self._refuse(request, refusal)

    @staticmethod
    def _refuse(
        request: Request, refusal: Unauthenticated | Forbidden, principal: Principal | None = None
    ) -> NoReturn:
        log.warning(
            "refused %s %s: %s",
            request.method,
            request.url.path,
            refusal.message,
            extra={
                "rule": refusal.rule,
                "status": refusal.status_code,
                "actor": principal.sub if principal else None,
            },
        )
        refusal.logged = True
        raise refusal


def forbid_outside_scope(
    principal: Principal, *, school: str | None = None, borough: str | None = None
) -> None:
    """403 when the caller reaches beyond their school or borough (fails closed)."""
    forbid_outside(principal.role, principal.claims(), school=school, borough=borough)


def hide_outside_scope(
    principal: Principal, *, school: str | None = None, borough: str | None = None
) -> None:
    """404 when a record read by id lies outside the caller's scope (its existence stays hidden)."""
    forbid_outside(principal.role, principal.claims(), school=school, borough=borough, hide=True)


def allow(action: str) -> Any:
    """Endpoint parameter default: the caller must be allowed ``action`` by the service's table."""

    async def check(request: Request) -> Principal:
        permissions: Permissions = request.app.state.ssp.permissions
        principal: Principal = await permissions.require(action)(request)
        return principal

    check.ssp_action = action  # type: ignore[attr-defined]  # read by the matrix test
    return Depends(check)
