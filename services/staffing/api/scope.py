"""Who may see or act on a staffing record: own school, own record, own borough, or all."""

from services.runtime.auth import Principal, forbid_outside_scope
from services.runtime.domain import Forbidden
from services.runtime.scope import BOROUGH, SCHOOL, claim_refusal

SCHOOL_ROLES = frozenset({"head_teacher", "school_staff", "school_officer"})


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
