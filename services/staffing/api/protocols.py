"""A school's partnership protocol as a record: its signed versions and its annual reviews."""

from typing import Annotated, Any

from fastapi import Depends

from services.runtime.auth import Principal, allow
from services.runtime.routing import ServiceRouter
from services.staffing.api.context import SchoolPath, staffing
from services.staffing.api.scope import sees_school
from services.staffing.application import StaffingApplication

router = ServiceRouter(tags=["schools"])
App = Annotated[StaffingApplication, Depends(staffing)]


@router.get("/schools/{school_id}/protocol")
def get_protocol(
    school_id: SchoolPath, principal: Annotated[Principal, allow("read_school")], app: App
) -> dict[str, Any]:
    """Every signed version with its signatories, and every review with minutes and actions."""
    school = app.get_school(school_id)
    sees_school(principal, school_id, school.borough)
    return {
        "school_id": school.school_id,
        "versions": school.protocol_versions,
        "reviews": school.reviews,
        "review_due": school.review_due,
    }
