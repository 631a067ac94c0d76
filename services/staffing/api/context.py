"""The staffing service's typed context and what every router shares: ids and scope checks."""

from dataclasses import dataclass
from typing import Annotated

from fastapi import Path, Request
from pydantic import Field
from ssp_contracts.events.common import TERM_PATTERN

from services.runtime.auth import Principal, forbid_outside_scope
from services.runtime.clock import Clock
from services.runtime.domain import Forbidden
from services.runtime.endpoint import context_of
from services.runtime.scope import BOROUGH, SCHOOL, claim_refusal
from services.staffing.application import StaffingApplication

# Ids are slugs: a name with spaces cannot pass for a pseudonymous id.
SLUG = r"^[A-Za-z0-9][A-Za-z0-9-]{0,63}$"
TERM = TERM_PATTERN
SCHOOL_ROLES = frozenset({"head_teacher", "school_staff", "school_officer"})
SchoolId = Annotated[str, Field(pattern=SLUG, description="School identifier")]
OfficerId = Annotated[str, Field(pattern=SLUG, description="Pseudonymous officer identifier")]
Borough = Annotated[str, Field(pattern=SLUG, description="London borough, e.g. waltham-forest")]
Term = Annotated[str, Field(pattern=TERM, description="Term, e.g. 2025-autumn")]
SchoolPath = Annotated[str, Path(pattern=SLUG, description="School identifier")]
OfficerPath = Annotated[str, Path(pattern=SLUG, description="Pseudonymous officer identifier")]
BoroughPath = Annotated[str, Path(pattern=SLUG, description="London borough")]
TermPath = Annotated[str, Path(pattern=TERM, description="Term, e.g. 2025-autumn")]


@dataclass
class StaffingContext:
    """What the staffing endpoints reach: the store (with its lookups) and the clock."""

    application: StaffingApplication
    clock: Clock


def staffing(request: Request) -> StaffingApplication:
    """The service's application (FastAPI dependency)."""
    return context_of(request.app, StaffingContext).application


def refuse(message: str, field: str | None = None) -> Forbidden:
    """A 403 for a caller outside the record's scope."""
    return Forbidden("outside-scope", message, field)


def manages(principal: Principal, borough: str) -> None:
    """A supervisor acts only in the borough their token names."""
    if principal.borough is None:
        raise claim_refusal(principal.role, BOROUGH)
    forbid_outside_scope(principal, borough=borough)


def sees_borough(principal: Principal, borough: str | None) -> str | None:
    """The borough a listing is limited to: a supervisor sees only their own."""
    if principal.role != "borough_supervisor":
        return borough
    manages(principal, borough or str(principal.borough))
    return principal.borough


def sees_school(principal: Principal, school_id: str, borough: str) -> None:
    """School roles see their own school; supervisors their borough; auditors all."""
    if principal.role in SCHOOL_ROLES:
        if principal.school is None:
            raise claim_refusal(principal.role, SCHOOL)
        forbid_outside_scope(principal, school=school_id)
    elif principal.role == "borough_supervisor":
        manages(principal, borough)


def sees_officer(principal: Principal, officer_id: str, borough: str) -> None:
    """An officer sees their own record; supervisors their borough; auditors all."""
    if principal.role == "school_officer":
        if principal.sub != officer_id:
            raise refuse(f"an officer sees only their own record, not {officer_id}", "officer_id")
    elif principal.role == "borough_supervisor":
        manages(principal, borough)
