"""Abstractions: officers taken off school duty, and the ring-fence breaches they cause."""

from datetime import date, datetime
from typing import Annotated, Any

from fastapi import Depends, Query
from pydantic import BaseModel, Field
from ssp_contracts.events.staffing import AbstractionCategory

from services.runtime.auth import Principal, allow
from services.runtime.endpoint import Now, Recorded
from services.runtime.inputs import Day, FreeText, Instant
from services.runtime.logs import correlation_id
from services.runtime.paging import Paging
from services.runtime.paging_lists import page_list
from services.runtime.routing import ServiceRouter
from services.staffing.api.context import TERM, OfficerId, OfficerPath, staffing
from services.staffing.api.scope import manages, sees_officer
from services.staffing.application import StaffingApplication

router = ServiceRouter(tags=["abstractions"])
App = Annotated[StaffingApplication, Depends(staffing)]


class RecordAbstraction(BaseModel):
    """An officer taken off school duty for some or all of a rostered shift."""

    shift_date: Day
    hours: float | None = Field(
        default=None, gt=0, le=12, description="Hours lost; the rest of the shift if left out"
    )
    category: AbstractionCategory = Field(description="Metropolitan Police abstraction category")
    authorised_by: OfficerId = Field(description="Officer who authorised it")
    exceptional: bool = Field(description="Exceptional circumstance or major emergency")
    school_notified_at: Instant | None = Field(default=None, description="When told")
    note: FreeText = Field(default="", max_length=2000, description="Kept in the service only")


class AbstractionView(BaseModel):
    """An abstraction as recorded."""

    abstraction_id: str
    term: str
    shift_date: date
    hours: float
    shift_hours: float
    category: str
    authorised_by: str
    exceptional: bool
    ring_fenced: bool
    breach: bool
    school_notified_at: datetime | None
    school_ids: list[str]
    recorded_at: datetime


@router.post("/officers/{officer_id}/abstractions", status_code=201, response_model=Recorded)
def record_abstraction(
    officer_id: OfficerPath,
    body: RecordAbstraction,
    principal: Annotated[Principal, allow("record_abstraction")],
    app: App,
    now: Now,
) -> Recorded:
    """Record an abstraction; a ring-fenced officer not exceptionally needed is a breach."""
    manages(principal, app.get_officer(officer_id).borough)
    actor = principal.actor(correlation_id())
    return Recorded(
        id=app.record_abstraction(officer_id, **body.model_dump(), now=now, actor=actor)
    )


@router.get("/officers/{officer_id}/abstractions", response_model=list[AbstractionView])
def officer_abstractions(
    officer_id: OfficerPath,
    principal: Annotated[Principal, allow("read_officer")],
    app: App,
    paged: Paging,
    term: Annotated[str | None, Query(pattern=TERM, description="Only this term")] = None,
) -> list[AbstractionView]:
    """The officer's abstractions, by shift (``since``: shifts on or after)."""
    sees_officer(principal, officer_id, app.get_officer(officer_id).borough)
    found: list[dict[str, Any]] = [
        {**a, "abstraction_id": str(a["abstraction_id"]), "term": r.term}
        for r in app.rosters_of(officer_id)
        if term in (None, r.term)
        for a in r.abstractions
    ]
    page = page_list(paged, found, lambda a: a["shift_date"], lambda a: a["abstraction_id"])
    return [AbstractionView(**a) for a in page]
