"""Events of the staffing service (topics ssp.staffing.events and .abstractions)."""

from datetime import date
from typing import ClassVar

from pydantic import Field

from ssp_contracts.events.common import AggregateId, Borough, OfficerId, SchoolId
from ssp_contracts.registry import EventPayload, register

STAFFING = "ssp.staffing.events"
ABSTRACTIONS = "ssp.staffing.abstractions"


@register
class OfficerDeployed(EventPayload):
    """An officer was deployed to a school or a cluster of schools."""

    event_type: ClassVar[str] = "uk.police.ssp.staffing.officer_deployed.v1"
    topic: ClassVar[str] = STAFFING

    deployment_id: AggregateId
    officer_id: OfficerId
    borough: Borough
    school_ids: list[SchoolId] = Field(min_length=1, description="The school, or the cluster")
    share_percent: int = Field(gt=0, le=100, description="Share of the officer's time")
    start_date: date
    tenure_end: date = Field(description="End of tenure: 3 years, extendable to 5")


@register
class DeploymentEnded(EventPayload):
    """A deployment ended, with its reason."""

    event_type: ClassVar[str] = "uk.police.ssp.staffing.deployment_ended.v1"
    topic: ClassVar[str] = STAFFING

    deployment_id: AggregateId
    officer_id: OfficerId
    school_ids: list[SchoolId]
    ended_on: date
    reason: str = Field(min_length=1, max_length=500)
