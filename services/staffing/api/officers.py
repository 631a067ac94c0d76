"""Officers: appointment, training, ring-fencing, and absences notified to schools."""

from datetime import date, datetime
from typing import Annotated, Any

from fastapi import Depends
from pydantic import BaseModel, Field
from ssp_contracts.events.staffing import AbsenceKind, LiftReason, PanelRole, Rank

from services.runtime.auth import Principal, allow
from services.runtime.endpoint import Now, Recorded
from services.runtime.inputs import Day, FreeText, Instant
from services.runtime.logs import correlation_id
from services.runtime.paging import Paging
from services.runtime.paging_lists import page_list
from services.runtime.routing import ServiceRouter
from services.staffing.api.context import Borough, OfficerId, OfficerPath, SchoolPath, staffing
from services.staffing.api.scope import manages, sees_officer, sees_school
from services.staffing.application import StaffingApplication

router = ServiceRouter(tags=["officers"])
App = Annotated[StaffingApplication, Depends(staffing)]


class RegisterOfficer(BaseModel):
    """An officer appointed to the programme; pseudonymous id only, never a name."""

    officer_id: OfficerId
    rank: Rank
    borough: Borough
    selection_panel: list[PanelRole] = Field(
        min_length=1, max_length=10, description="Roles on the panel that appointed the officer"
    )


class CompleteTraining(BaseModel):
    """A training module the officer completed."""

    module: int = Field(ge=1, description="Module number in the catalogue (22 by default)")
    completed_on: Day


class RingFence(BaseModel):
    """Protection against abstractions from a date, on someone's authority."""

    ring_fenced_from: Day
    authorised_by: OfficerId = Field(description="Officer on whose authority")


class LiftRingFence(BaseModel):
    """The end of a ring-fence, with its reason."""

    lifted_on: Day = Field(description="First day without the ring-fence")
    reason: LiftReason
    note: FreeText = Field(default="", max_length=2000, description="Kept in the service only")


class NotifyAbsence(BaseModel):
    """An absence the officer told their schools about."""

    kind: AbsenceKind
    starts_on: Day
    ends_on: Day
    notified_at: Instant | None = Field(
        default=None, description="When the school was told; now if left out"
    )


class OfficerView(BaseModel):
    """An officer as they stand now."""

    officer_id: str
    rank: str
    borough: str
    selection_panel: list[str]
    panel_complete: bool = Field(description="Police, education authority and school sat")
    training_completed: dict[int, date]
    training_modules: int
    ring_fenced_from: date | None
    ring_fence_authority: str | None
    ring_fences: list[tuple[date, date | None]]
    share_allocated: int
    school_ids: list[str]


class AbsenceView(BaseModel):
    """An absence notified to a school."""

    absence_id: str
    officer_id: str
    kind: str
    starts_on: date
    ends_on: date
    notified_at: datetime
    notice_days: int
    minimum_notice_days: int
    late_notice: bool


@router.post("/officers", status_code=201, response_model=Recorded)
def register_officer(
    body: RegisterOfficer, principal: Annotated[Principal, allow("manage_officers")], app: App
) -> Recorded:
    """Register an officer appointed by a selection panel."""
    manages(principal, body.borough)
    actor = principal.actor(correlation_id())
    return Recorded(id=app.register_officer(**body.model_dump(), actor=actor))


@router.get("/officers/{officer_id}", response_model=OfficerView)
def get_officer(
    officer_id: OfficerPath, principal: Annotated[Principal, allow("read_officer")], app: App
) -> OfficerView:
    """An officer: rank, panel, training, ring-fence and the share of time deployed."""
    o = app.get_officer(officer_id)
    sees_officer(principal, officer_id, o.borough)
    own = ("officer_id", "rank", "borough", "selection_panel", "share_allocated", "school_ids")
    fields: dict[str, Any] = {k: getattr(o, k) for k in own}
    return OfficerView(
        **fields,
        panel_complete=set(o.selection_panel) == {"police", "local_education_authority", "school"},
        training_completed=dict(sorted(o.training.items())),
        training_modules=app.config.training_modules,
        ring_fenced_from=o.ring_fenced_from,
        ring_fence_authority=o.ring_fence_authority,
        ring_fences=[(start, end) for start, end in o.ring_fences],
    )


@router.post("/officers/{officer_id}/training", response_model=Recorded)
def complete_training(
    officer_id: OfficerPath,
    body: CompleteTraining,
    principal: Annotated[Principal, allow("manage_officers")],
    app: App,
) -> Recorded:
    """Record a completed training module."""
    manages(principal, app.get_officer(officer_id).borough)
    actor = principal.actor(correlation_id())
    return Recorded(id=app.complete_training(officer_id, body.module, body.completed_on, actor))


@router.post("/officers/{officer_id}/ring-fence", response_model=Recorded)
def ring_fence(
    officer_id: OfficerPath,
    body: RingFence,
    principal: Annotated[Principal, allow("manage_ring_fence")],
    app: App,
) -> Recorded:
    """Ring-fence the officer against abstractions."""
    manages(principal, app.get_officer(officer_id).borough)
    actor = principal.actor(correlation_id())
    return Recorded(id=app.ring_fence(officer_id, body.ring_fenced_from, body.authorised_by, actor))


@router.post("/officers/{officer_id}/ring-fence/lift", response_model=Recorded)
def lift_ring_fence(
    officer_id: OfficerPath,
    body: LiftRingFence,
    principal: Annotated[Principal, allow("manage_ring_fence")],
    app: App,
) -> Recorded:
    """Lift the officer's ring-fence, with a reason."""
    manages(principal, app.get_officer(officer_id).borough)
    actor = principal.actor(correlation_id())
    return Recorded(
        id=app.lift_ring_fence(officer_id, body.lifted_on, body.reason, body.note, actor)
    )


@router.post("/officers/{officer_id}/absences", status_code=201, response_model=Recorded)
def notify_absence(
    officer_id: OfficerPath,
    body: NotifyAbsence,
    principal: Annotated[Principal, allow("notify_absence")],
    app: App,
    now: Now,
) -> Recorded:
    """Record an absence notified to the officer's schools; short notice is flagged."""
    sees_officer(principal, officer_id, app.get_officer(officer_id).borough)
    actor = principal.actor(correlation_id())
    absence_id = app.notify_absence(
        officer_id, body.kind, body.starts_on, body.ends_on, body.notified_at, now, actor
    )
    return Recorded(id=absence_id)


@router.get("/schools/{school_id}/absences", response_model=list[AbsenceView])
def school_absences(
    school_id: SchoolPath,
    principal: Annotated[Principal, allow("read_absences")],
    app: App,
    paged: Paging,
) -> list[AbsenceView]:
    """Absences of the school's officers notified to the school, by first day (``since``:
    absences still running on or after its day)."""
    sees_school(principal, school_id, app.get_school(school_id).borough)
    found = page_list(
        paged, app.absences_at(school_id, None), lambda a: a.starts_on, lambda a: str(a.id),
        at=lambda a: a.ends_on,
    )  # fmt: skip
    return [
        AbsenceView(
            absence_id=str(a.id),
            **{k: getattr(a, k) for k in AbsenceView.model_fields if k != "absence_id"},
        )
        for a in found
    ]
