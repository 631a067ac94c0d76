"""Who may act where in disclosure: a borough's queue is its own; callers speak for their body."""

from services.runtime.auth import Principal
from services.runtime.domain import Forbidden, RuleViolation

# Which requesting bodies each submitting role may speak for (see permissions.py).
BODIES_OF_ROLE = {
    "school_officer": {"police"},
    "school_staff": {"school"},
    "service": {"local_authority", "probation", "health"},
}


def require_borough(principal: Principal, borough: str) -> None:
    """403 unless the token is scoped to ``borough`` (a borough's queue is its own)."""
    if principal.borough != borough:
        message = f"the token is for borough {principal.borough or 'none'}, not {borough}"
        raise Forbidden("outside-scope", message, "borough")


def check_body_of_role(principal: Principal, body: str) -> None:
    """A caller submits for their own kind of body (a 422 naming requesting_body)."""
    allowed = BODIES_OF_ROLE.get(principal.role, set())
    if body not in allowed:
        raise RuleViolation(
            "requesting-body-of-role",
            f"role {principal.role} submits for {', '.join(sorted(allowed))}, not {body}",
            "requesting_body",
        )
