"""The disclosure service's typed context and what its endpoints share."""

from dataclasses import dataclass

from fastapi import HTTPException, Request

from services.disclosure.application import DisclosureApplication
from services.disclosure.settings import DisclosurePolicy
from services.disclosure.views.register import Register
from services.runtime.auth import Principal
from services.runtime.clock import Clock
from services.runtime.domain import Forbidden
from services.runtime.endpoint import context_of

# Which requesting bodies each submitting role may speak for (see permissions.py).
BODIES_OF_ROLE = {
    "school_officer": {"police"},
    "school_staff": {"school"},
    "service": {"local_authority", "probation", "health"},
}


@dataclass
class DisclosureContext:
    """What the disclosure endpoints reach: the store, the register, the policy, the clock."""

    application: DisclosureApplication
    register: Register
    policy: DisclosurePolicy
    clock: Clock


def application(request: Request) -> DisclosureApplication:
    """The service's eventsourcing application."""
    return context_of(request.app, DisclosureContext).application


def register(request: Request) -> Register:
    """The register read model (it catches up with the store on each read)."""
    return context_of(request.app, DisclosureContext).register


def policy(request: Request) -> DisclosurePolicy:
    """The configured windows of the workflow."""
    return context_of(request.app, DisclosureContext).policy


def require_borough(principal: Principal, borough: str) -> None:
    """403 unless the token is scoped to ``borough`` (a borough's queue is its own)."""
    if principal.borough != borough:
        message = f"the token is for borough {principal.borough or 'none'}, not {borough}"
        raise Forbidden("outside-scope", message, "borough")


def check_body_of_role(principal: Principal, body: str) -> None:
    """A caller submits for their own kind of body (a 422 naming requesting_body)."""
    allowed = BODIES_OF_ROLE.get(principal.role, set())
    if body not in allowed:
        raise HTTPException(
            422,
            {
                "rule": "requesting-body-of-role",
                "message": f"role {principal.role} submits for {', '.join(sorted(allowed))},"
                f" not {body}",
                "field": "requesting_body",
            },
        )
