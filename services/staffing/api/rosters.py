"""Term calendars, and rosters generated for a term and edited shift by shift."""

from datetime import date, time
from typing import Annotated

from fastapi import Depends, Path
from pydantic import BaseModel, Field
from ssp_contracts.events.staffing import HolidayKind

from services.runtime.auth import Principal, allow
from services.runtime.endpoint import Recorded
from services.runtime.inputs import Day, TimeOfDay
from services.runtime.logs import correlation_id
from services.runtime.routing import ServiceRouter
from services.staffing.api.context import BoroughPath, OfficerPath, Term, TermPath, staffing
from services.staffing.api.scope import manages, sees_officer
from services.staffing.application import StaffingApplication

router = ServiceRouter(tags=["rosters"])
App = Annotated[StaffingApplication, Depends(staffing)]
ShiftDay = Annotated[Day, Path(description="Day of the shift")]


class HolidayIn(BaseModel):
    """A school holiday inside the term."""

    starts_on: Day
    ends_on: Day
    kind: HolidayKind


class SetCalendar(BaseModel):
    """A borough's term dates and holidays."""

    starts_on: Day = Field(description="First day of term")
    ends_on: Day = Field(description="Last day of term (inclusive)")
    holidays: list[HolidayIn] = Field(default_factory=list, max_length=40)


class GenerateRoster(BaseModel):
    """A weekly pattern that follows the school day, applied to a whole term."""

    term: Term
    weekdays: list[Annotated[int, Field(ge=0, le=6)]] = Field(
        default=[0, 1, 2, 3, 4], min_length=1, max_length=7, description="0 = Monday"
    )
    start: TimeOfDay | None = Field(default=None, description="Start of each shift; 08:00")
    hours: float | None = Field(default=None, gt=0, le=12, description="Hours a shift; 8")


class AmendShift(BaseModel):
    """A shift planned or changed; what is left out keeps its value (or the default)."""

    start: TimeOfDay | None = None
    hours: float | None = Field(default=None, gt=0, le=12)


class ShiftView(BaseModel):
    """One planned shift and the hours abstracted from it."""

    date: date
    start: time
    hours: float
    abstracted_hours: float


class RosterView(BaseModel):
    """An officer's roster for a term."""

    roster_id: str
    officer_id: str
    borough: str
    term: str
    school_ids: list[str]
    rostered_hours: float
    shifts: list[ShiftView]


@router.put("/calendars/{borough}/{term}", response_model=Recorded)
def set_calendar(
    borough: BoroughPath,
    term: TermPath,
    body: SetCalendar,
    principal: Annotated[Principal, allow("manage_calendars")],
    app: App,
) -> Recorded:
    """Publish or revise a borough's term dates and school holidays."""
    manages(principal, borough)
    holidays = [h.model_dump() for h in body.holidays]
    actor = principal.actor(correlation_id())
    return Recorded(
        id=app.set_term_calendar(borough, term, body.starts_on, body.ends_on, holidays, actor)
    )


@router.get("/calendars/{borough}/{term}", response_model=SetCalendar)
def get_calendar(
    borough: BoroughPath,
    term: TermPath,
    principal: Annotated[Principal, allow("read_staffing")],
    app: App,
) -> SetCalendar:
    """A borough's term dates and school holidays."""
    calendar = app.get_calendar(borough, term)
    holidays = [HolidayIn(**h) for h in calendar.holidays]
    return SetCalendar(starts_on=calendar.starts_on, ends_on=calendar.ends_on, holidays=holidays)


@router.post("/officers/{officer_id}/rosters", status_code=201, response_model=Recorded)
def generate_roster(
    officer_id: OfficerPath,
    body: GenerateRoster,
    principal: Annotated[Principal, allow("manage_rosters")],
    app: App,
) -> Recorded:
    """Plan the officer's term from a weekly pattern, skipping the borough's holidays."""
    manages(principal, app.get_officer(officer_id).borough)
    actor = principal.actor(correlation_id())
    return Recorded(
        id=app.generate_roster(officer_id, body.term, body.weekdays, body.start, body.hours, actor)
    )


@router.get("/officers/{officer_id}/rosters/{term}", response_model=RosterView)
def get_roster(
    officer_id: OfficerPath,
    term: TermPath,
    principal: Annotated[Principal, allow("read_officer")],
    app: App,
) -> RosterView:
    """The officer's shifts in a term."""
    sees_officer(principal, officer_id, app.get_officer(officer_id).borough)
    r = app.get_roster(officer_id, term)
    shifts = [
        ShiftView(**s, abstracted_hours=r.abstracted.get(s["date"], 0.0))
        for _, s in sorted(r.shifts.items())
    ]
    return RosterView(
        roster_id=str(r.id),
        officer_id=r.officer_id,
        borough=r.borough,
        term=r.term,
        school_ids=r.school_ids,
        rostered_hours=r.rostered_hours,
        shifts=shifts,
    )


@router.put("/officers/{officer_id}/rosters/{term}/shifts/{day}", response_model=Recorded)
def amend_shift(
    officer_id: OfficerPath,
    term: TermPath,
    day: ShiftDay,
    body: AmendShift,
    principal: Annotated[Principal, allow("manage_rosters")],
    app: App,
) -> Recorded:
    """Plan or change one shift."""
    manages(principal, app.get_officer(officer_id).borough)
    actor = principal.actor(correlation_id())
    return Recorded(id=app.amend_shift(officer_id, term, day, body.start, body.hours, actor))


@router.delete("/officers/{officer_id}/rosters/{term}/shifts/{day}", response_model=Recorded)
def cancel_shift(
    officer_id: OfficerPath,
    term: TermPath,
    day: ShiftDay,
    principal: Annotated[Principal, allow("manage_rosters")],
    app: App,
) -> Recorded:
    """Remove one shift that has no abstractions."""
    manages(principal, app.get_officer(officer_id).borough)
    actor = principal.actor(correlation_id())
    return Recorded(id=app.cancel_shift(officer_id, term, day, actor))
