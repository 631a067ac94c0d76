"""What the endpoints share: the application, the register, the policy and the clock."""

from datetime import UTC, datetime, timedelta

from fastapi import HTTPException, Request

from services.disclosure.application import DisclosureApplication
from services.disclosure.register import Register
from services.disclosure.settings import DisclosurePolicy
from services.runtime.auth import Principal
from services.runtime.domain import Forbidden, RuleViolation

# Clocks of the caller and the service may differ a little.
CLOCK_TOLERANCE = timedelta(minutes=2)
# Which requesting bodies each submitting role may speak for (see permissions.py).
BODIES_OF_ROLE = {
    "school_officer": {"police"},
    "school_staff": {"school"},
    "service": {"local_authority", "probation", "health"},
}


def application(request: Request) -> DisclosureApplication:
    """The service's eventsourcing application."""
    app: DisclosureApplication = request.app.state.ssp.application
    return app


def register(request: Request) -> Register:
    """The register read model, created on first use."""
    extras = request.app.state.ssp.extras
    reg: Register | None = extras.get("register")
    if reg is None:
        # setdefault: two first requests in parallel still end up sharing one register.
        reg = extras.setdefault("register", Register(application(request)))
    assert reg is not None
    return reg


def policy(request: Request) -> DisclosurePolicy:
    """The configured windows of the workflow."""
    pol: DisclosurePolicy = request.app.state.ssp.extras["policy"]
    return pol


def now() -> datetime:
    """The time a command is recorded at."""
    return datetime.now(UTC)


def when(at: datetime | None) -> datetime:
    """The business time a command carried, else now; never in the future (422)."""
    current = now()
    if at is None:
        return current
    if at > current + CLOCK_TOLERANCE:
        raise RuleViolation("not-in-future", f"at {at.isoformat()} is in the future", "at")
    return at


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
