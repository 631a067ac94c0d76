"""Deployments of officers to schools or clusters, and the tenures about to end."""

from datetime import date
from typing import Annotated
from uuid import UUID

from fastapi import Depends, Query
from pydantic import BaseModel, Field
from ssp_contracts.events.staffing import EndReason

from services.runtime.auth import Principal, allow
from services.runtime.clock import london_day
from services.runtime.endpoint import Now, Recorded
from services.runtime.inputs import Day, FreeText, Key
from services.runtime.logs import correlation_id
from services.runtime.paging import Paging
from services.runtime.paging_lists import page_list
from services.runtime.routing import ServiceRouter
from services.staffing.api.context import OfficerId, OfficerPath, SchoolId, staffing
from services.staffing.api.scope import manages, sees_borough, sees_officer
from services.staffing.application import StaffingApplication
from services.staffing.domain.deployment import Deployment

router = ServiceRouter(tags=["deployments"])
App = Annotated[StaffingApplication, Depends(staffing)]


class Deploy(BaseModel):
    """An officer deployed to a school, or to the cluster the school leads."""

    officer_id: OfficerId
    school_id: SchoolId
    to_cluster: bool = Field(default=False, description="Serve the school's whole cluster")
    share_percent: int = Field(gt=0, le=100, description="Share of the officer's time")
    start_date: Day
    tenure_end: Day | None = Field(
        default=None, description="3 years from the start unless given; at most 5"
    )


class Extend(BaseModel):
    """A longer tenure, up to 5 years in all."""

    tenure_end: Day


class End(BaseModel):
    """The end of a deployment and why."""

    ended_on: Day = Field(description="Last day of the deployment")
    reason: EndReason
    note: FreeText = Field(default="", max_length=2000, description="Kept in the service only")


class DeploymentView(BaseModel):
    """A deployment as it stands now."""

    deployment_id: str
    officer_id: str
    rank: str
    borough: str
    school_ids: list[str]
    to_cluster: bool
    share_percent: int
    start_date: date
    tenure_end: date
    ended_on: date | None
    end_reason: str | None
    below_recommended_tenure: bool = Field(
        description="Shorter than the recommended 3 years (cover): recorded, flagged for review"
    )


def view(d: Deployment) -> DeploymentView:
    """The answer for one deployment."""
    fields = {k: getattr(d, k) for k in DeploymentView.model_fields if k != "deployment_id"}
    return DeploymentView(deployment_id=str(d.id), **fields)


@router.post("/deployments", status_code=201, response_model=Recorded)
def deploy(
    body: Deploy, principal: Annotated[Principal, allow("manage_deployments")], app: App
) -> Recorded:
    """Deploy an officer; their shares of time never exceed 100%."""
    manages(principal, app.get_officer(body.officer_id).borough)
    actor = principal.actor(correlation_id())
    return Recorded(id=app.deploy(**body.model_dump(), actor=actor))


@router.post("/deployments/{deployment_id}/extension", response_model=Recorded)
def extend(
    deployment_id: UUID,
    body: Extend,
    principal: Annotated[Principal, allow("manage_deployments")],
    app: App,
) -> Recorded:
    """Extend the tenure of a deployment."""
    manages(principal, app.get_deployment(deployment_id).borough)
    actor = principal.actor(correlation_id())
    return Recorded(id=app.extend_deployment(deployment_id, body.tenure_end, actor))


@router.post("/deployments/{deployment_id}/end", response_model=Recorded)
def end(
    deployment_id: UUID,
    body: End,
    principal: Annotated[Principal, allow("manage_deployments")],
    app: App,
) -> Recorded:
    """End a deployment, with its reason."""
    manages(principal, app.get_deployment(deployment_id).borough)
    actor = principal.actor(correlation_id())
    return Recorded(
        id=app.end_deployment(deployment_id, body.ended_on, body.reason, body.note, actor)
    )


@router.get("/officers/{officer_id}/deployments", response_model=list[DeploymentView])
def officer_deployments(
    officer_id: OfficerPath,
    principal: Annotated[Principal, allow("read_officer")],
    app: App,
    paged: Paging,
) -> list[DeploymentView]:
    """Every deployment of an officer, oldest first (``since``: starting on or after)."""
    sees_officer(principal, officer_id, app.get_officer(officer_id).borough)
    found = page_list(paged, app.deployments_of(officer_id), _starts, _id)
    return [view(d) for d in found]


@router.get("/deployments/ending", response_model=list[DeploymentView])
def tenures_ending(
    principal: Annotated[Principal, allow("read_staffing")],
    app: App,
    now: Now,
    paged: Paging,
    within_months: Annotated[int, Query(ge=1, le=60, description="Months ahead")] = 6,
    on: Annotated[Day | None, Query(description="Day to count from; today")] = None,
    borough: Annotated[Key | None, Query(description="Only this borough")] = None,
) -> list[DeploymentView]:
    """Deployments in force whose tenure ends within N months, soonest first (``since``:
    ending on or after)."""
    day = on or london_day(now)
    found = app.tenures_ending(day, within_months, sees_borough(principal, borough))
    return [view(d) for d in page_list(paged, found, lambda d: d.tenure_end, _id)]


def _starts(d: Deployment) -> date:
    return d.start_date


def _id(d: Deployment) -> str:
    return str(d.id)
