"""Schools: registration, clusters, the protocol and its annual review; who serves them."""

from datetime import date
from typing import Annotated

from fastapi import Depends, Query
from pydantic import BaseModel, Field
from ssp_contracts.events.staffing import Phase, Programme
from ssp_contracts.vocab import OfficerDefinedEthnicity

from services.runtime.auth import Principal, allow
from services.runtime.clock import london_day
from services.runtime.endpoint import Now, Recorded
from services.runtime.inputs import Day, FreeText, Key, Text
from services.runtime.logs import correlation_id
from services.runtime.paging import KeyPaging, Paging
from services.runtime.paging_lists import page_list
from services.runtime.routing import ServiceRouter
from services.runtime.views_pg import Where
from services.staffing.api.context import Borough, OfficerId, SchoolId, SchoolPath, staffing
from services.staffing.api.scope import manages, sees_borough, sees_school
from services.staffing.application import StaffingApplication
from services.staffing.domain.school import School

router = ServiceRouter(tags=["schools"])
App = Annotated[StaffingApplication, Depends(staffing)]


class RegisterSchool(BaseModel):
    """A school joining the programme."""

    school_id: SchoolId
    name: Text = Field(min_length=1, max_length=200, description="Name of the school")
    borough: Borough
    phase: Phase
    pupil_count: int = Field(ge=0, le=10000, description="Pupils on roll")
    programme: Programme


class FormCluster(BaseModel):
    """The primary schools a secondary school leads."""

    primary_school_ids: list[SchoolId] = Field(min_length=1, max_length=40)


class SignProtocol(BaseModel):
    """A version of the partnership protocol, signed by the head teacher and borough commander."""

    signed_on: Day
    head_teacher: Text = Field(min_length=1, max_length=200, description="Signatory for the school")
    borough_commander: Text = Field(
        min_length=1, max_length=200, description="Signatory for the police"
    )


class RecordCensus(BaseModel):
    """Pupils on roll by broad ethnic group, from the school census."""

    census_date: Day
    pupils_by_ethnicity: dict[OfficerDefinedEthnicity, Annotated[int, Field(ge=0, le=10000)]] = (
        Field(min_length=1, description="Pupils per group: White, Black, Asian, Mixed, Other")
    )


class RecordReview(BaseModel):
    """The annual review of the partnership: its date, minutes and the actions agreed."""

    held_on: Day
    minutes: FreeText = Field(min_length=1, max_length=20_000)
    actions: list[Annotated[Text, Field(min_length=1, max_length=500)]] = Field(
        default_factory=list, max_length=50
    )


class SchoolView(BaseModel):
    """A school as it stands now."""

    school_id: str
    name: str
    borough: str
    phase: str
    pupil_count: int
    programme: str
    primary_school_ids: list[str]
    protocol_signed_on: date | None
    last_review_on: date | None
    review_due: date | None
    review_overdue: bool


class DeployedOfficer(BaseModel):
    """An officer serving the school."""

    deployment_id: str
    officer_id: OfficerId
    rank: str
    share_percent: int
    start_date: date
    tenure_end: date
    to_cluster: bool


class SchoolDeployment(SchoolView):
    """A school with the officers deployed to it on a day."""

    on: date
    officers: list[DeployedOfficer]


def school_view(school: School, on: date) -> SchoolView:
    """The answer for one school."""
    return SchoolView(
        **{k: getattr(school, k) for k in SchoolView.model_fields if k != "review_overdue"},
        review_overdue=school.review_overdue(on),
    )


@router.post("/schools", status_code=201, response_model=Recorded)
def register_school(
    body: RegisterSchool, principal: Annotated[Principal, allow("manage_schools")], app: App
) -> Recorded:
    """Register a school in the programme."""
    manages(principal, body.borough)
    actor = principal.actor(correlation_id())
    return Recorded(id=app.register_school(**body.model_dump(), actor=actor))


@router.put("/schools/{school_id}/cluster", response_model=Recorded)
def form_cluster(
    school_id: SchoolPath,
    body: FormCluster,
    principal: Annotated[Principal, allow("manage_schools")],
    app: App,
) -> Recorded:
    """Make a secondary school the lead of a cluster of primary schools."""
    manages(principal, app.get_school(school_id).borough)
    actor = principal.actor(correlation_id())
    return Recorded(id=app.form_cluster(school_id, body.primary_school_ids, actor))


@router.post("/schools/{school_id}/protocol", response_model=Recorded)
def sign_protocol(
    school_id: SchoolPath,
    body: SignProtocol,
    principal: Annotated[Principal, allow("manage_schools")],
    app: App,
) -> Recorded:
    """Record the signing of the school's protocol; its first review is due a year on."""
    manages(principal, app.get_school(school_id).borough)
    actor = principal.actor(correlation_id())
    return Recorded(
        id=app.sign_protocol(
            school_id, body.signed_on, actor, body.head_teacher, body.borough_commander
        )
    )


@router.put("/schools/{school_id}/census", response_model=Recorded)
def record_census(
    school_id: SchoolPath,
    body: RecordCensus,
    principal: Annotated[Principal, allow("manage_schools")],
    app: App,
) -> Recorded:
    """Record the school's census counts by ethnic group (searches are compared with them)."""
    manages(principal, app.get_school(school_id).borough)
    actor = principal.actor(correlation_id())
    counts = {str(k): v for k, v in body.pupils_by_ethnicity.items()}
    return Recorded(id=app.record_census(school_id, body.census_date, counts, actor))


@router.post("/schools/{school_id}/reviews", response_model=Recorded)
def record_review(
    school_id: SchoolPath,
    body: RecordReview,
    principal: Annotated[Principal, allow("manage_schools")],
    app: App,
) -> Recorded:
    """Record the annual partnership review; the next one is due a year on."""
    manages(principal, app.get_school(school_id).borough)
    actor = principal.actor(correlation_id())
    return Recorded(
        id=app.record_review(school_id, body.held_on, actor, body.minutes, body.actions)
    )


@router.get("/schools", response_model=list[SchoolView])
def list_schools(
    principal: Annotated[Principal, allow("read_staffing")],
    app: App,
    now: Now,
    paged: KeyPaging,
    borough: Annotated[Key | None, Query(description="Only this borough")] = None,
) -> list[SchoolView]:
    """Schools in the programme, by id, a page at a time."""
    today = london_day(now)
    found = app.schools_page(sees_borough(principal, borough), paged.where(Where()))
    return [school_view(s, today) for s in paged.announce(found)]


@router.get("/schools/{school_id}", response_model=SchoolDeployment)
def get_school(
    school_id: SchoolPath,
    principal: Annotated[Principal, allow("read_school")],
    app: App,
    now: Now,
    on: Annotated[Day | None, Query(description="Day of the deployment; today")] = None,
) -> SchoolDeployment:
    """A school and the officers deployed to it."""
    school = app.get_school(school_id)
    sees_school(principal, school_id, school.borough)
    day = on or london_day(now)
    officers = [
        DeployedOfficer(deployment_id=str(d.id), **{k: getattr(d, k) for k in FIELDS})
        for d in app.deployments_at(school_id, day)
    ]
    return SchoolDeployment(**school_view(school, day).model_dump(), on=day, officers=officers)


FIELDS = ("officer_id", "rank", "share_percent", "start_date", "tenure_end", "to_cluster")


@router.get("/reviews/overdue", response_model=list[SchoolView])
def overdue_reviews(
    principal: Annotated[Principal, allow("read_staffing")],
    app: App,
    now: Now,
    paged: Paging,
    on: Annotated[Day | None, Query(description="Day to judge on; today")] = None,
    borough: Annotated[Key | None, Query(description="Only this borough")] = None,
) -> list[SchoolView]:
    """Schools whose annual partnership review was not held within a year, longest overdue
    first (``since``: fallen due on or after)."""
    day = on or london_day(now)
    found = app.overdue_reviews(day, sees_borough(principal, borough))
    page = page_list(paged, found, lambda s: s.review_due or day, lambda s: s.school_id)
    return [school_view(s, day) for s in page]
