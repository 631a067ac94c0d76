"""Per school: protocol hours, termly indicators, outstanding actions; the deployments view."""

from typing import Annotated, Any

from fastapi import Path
from pydantic import BaseModel, Field
from ssp_contracts.events.common import TERM_PATTERN
from ssp_contracts.events.incidents import Weekday

from services.incidents.api.context import Service, history_of
from services.incidents.api.owed import owed
from services.incidents.domain.hours import DEFAULT_HOURS, hours_id
from services.runtime.auth import Principal, allow
from services.runtime.clock import london_day
from services.runtime.endpoint import Recorded
from services.runtime.inputs import Day, FreeText, Instant, KeyPath, KeyQuery, TimeOfDay
from services.runtime.paging import Paging, Since
from services.runtime.paging_lists import page_list
from services.runtime.routing import ServiceRouter

router = ServiceRouter(tags=["schools"])
TermPath = Annotated[str, Path(pattern=TERM_PATTERN, description="Term, e.g. 2025-autumn")]


class SetHours(BaseModel):
    """A school's protocol hours, London local time."""

    starts: TimeOfDay = Field(description="e.g. 08:00")
    ends: TimeOfDay = Field(description="e.g. 16:00")
    school_days: list[Weekday] = Field(
        default=[1, 2, 3, 4, 5], min_length=1, max_length=7, description="ISO weekdays, 1 = Monday"
    )
    closed_dates: list[Day] = Field(
        default_factory=list, max_length=400, description="Holidays and training days"
    )


class Counts(BaseModel):
    """A term's non-crime indicators."""

    bullying_incidents: int = Field(ge=0, le=100_000)
    unauthorised_absence_sessions: int = Field(ge=0, le=10_000_000)
    fixed_term_exclusions: int = Field(ge=0, le=100_000)
    permanent_exclusions: int = Field(ge=0, le=100_000)
    possible_sessions: int | None = Field(
        default=None, ge=0, le=10_000_000, description="Sessions pupils could attend"
    )
    authorised_absence_sessions: int | None = Field(default=None, ge=0, le=10_000_000)


class Submission(BaseModel):
    """The first return of a term's counts."""

    counts: Counts
    submitted_at: Instant


class Correction(Submission):
    """A correction: supersedes the current counts, which stay in the history."""

    reason: FreeText = Field(min_length=1, max_length=2000)


@router.put("/schools/{school_id}/protocol-hours", response_model=Recorded)
async def set_protocol_hours(
    school_id: KeyPath,
    body: SetHours,
    principal: Annotated[Principal, allow("set_protocol_hours")],
    s: Service,
) -> Recorded:
    """Set the school's protocol hours; incidents already recorded keep their marking."""
    await s.check_school(principal, school_id)
    record_id = await s.run(
        s.app.set_protocol_hours, school_id=school_id, **body.model_dump(), actor=s.actor(principal)
    )
    return Recorded(id=record_id)


@router.get("/schools/{school_id}/protocol-hours")
async def get_protocol_hours(
    school_id: KeyPath, principal: Annotated[Principal, allow("read_protocol_hours")], s: Service
) -> dict[str, Any]:
    """The school's protocol hours, the protocol's default when none were set."""
    await s.check_school(principal, school_id)
    hours = await s.run(s.app.protocol_hours, school_id)
    return {
        "school_id": school_id,
        "default": hours == DEFAULT_HOURS,
        "starts": hours.starts,
        "ends": hours.ends,
        "school_days": list(hours.school_days),
        "closed_dates": sorted(hours.closed_dates),
        "history": history_of(await s.run(lambda: list(s.app.events.get(hours_id(school_id))))),
    }


@router.post("/schools/{school_id}/indicators/{term}", status_code=201, response_model=Recorded)
async def submit_indicators(
    school_id: KeyPath,
    term: TermPath,
    body: Submission,
    principal: Annotated[Principal, allow("submit_indicators")],
    s: Service,
) -> Recorded:
    """Submit a term's bullying, truancy and exclusion counts."""
    await s.check_school(principal, school_id)
    record_id = await s.run(
        s.app.submit_indicators,
        school_id=school_id,
        term=term,
        counts=body.counts.model_dump(exclude_none=True),
        submitted_at=body.submitted_at,
        now=s.now(),
        actor=s.actor(principal),
    )
    return Recorded(id=record_id)


@router.post("/schools/{school_id}/indicators/{term}/corrections", response_model=Recorded)
async def correct_indicators(
    school_id: KeyPath,
    term: TermPath,
    body: Correction,
    principal: Annotated[Principal, allow("submit_indicators")],
    s: Service,
) -> Recorded:
    """Correct a term's counts; the earlier revision is superseded, not overwritten."""
    await s.check_school(principal, school_id)
    record_id = await s.run(
        s.app.correct_indicators,
        school_id=school_id,
        term=term,
        counts=body.counts.model_dump(exclude_none=True),
        reason=body.reason,
        submitted_at=body.submitted_at,
        now=s.now(),
        actor=s.actor(principal),
    )
    return Recorded(id=record_id)


@router.get("/schools/{school_id}/indicators/{term}")
async def get_indicators(
    school_id: KeyPath,
    term: TermPath,
    principal: Annotated[Principal, allow("read_indicators")],
    s: Service,
) -> dict[str, Any]:
    """The term's current counts and every revision."""
    await s.check_school(principal, school_id)
    record = await s.run(s.app.get_indicators, school_id, term)
    return {
        "school_id": school_id,
        "term": term,
        "counts": record.counts,
        "revisions": record.revisions,
    }


@router.get("/outstanding")
async def outstanding(
    principal: Annotated[Principal, allow("read_outstanding")], s: Service, since: Since = None
) -> dict[str, list[dict[str, Any]]]:
    """What the protocol still asks for, in the caller's scope (``owed.owed``)."""
    return await owed(s, principal, (await s.scope(principal)).schools, since)


@router.get("/deployments")
async def deployments(
    principal: Annotated[Principal, allow("read_deployments")],
    s: Service,
    paged: Paging,
    officer_id: KeyQuery = None,
) -> list[dict[str, Any]]:
    """Deployments active today, as this service's view knows them from staffing events, by
    start then id (``since``: starting on or after)."""
    if principal.role == "school_officer":
        officer_id = principal.sub  # an officer sees their own
    scope = await s.scope(principal)
    seen = [
        d
        for d in await s.view.active(london_day(s.now()), officer_id)
        if any(scope.allows(school) for school in d.school_ids)
    ]
    page = page_list(paged, seen, lambda d: d.start_date, lambda d: d.deployment_id)
    return [{**vars(d), "school_ids": list(d.school_ids)} for d in page]
