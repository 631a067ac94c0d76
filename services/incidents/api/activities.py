"""The officer's recorded activities: lessons, assemblies, patrols, meetings and plans."""

from typing import Annotated, Any
from uuid import UUID

from pydantic import BaseModel, Field
from ssp_contracts.events.common import SchoolId
from ssp_contracts.events.incidents import ActivityKind, ActivityWithdrawal, Partner

from services.incidents.api.context import Service, history_of
from services.incidents.api.scope import scope_of
from services.incidents.domain.activity import Activity, ActivityFacts
from services.runtime.auth import Principal, allow
from services.runtime.clock import london_day
from services.runtime.domain import Forbidden
from services.runtime.endpoint import Recorded
from services.runtime.inputs import FreeText, Instant
from services.runtime.routing import ServiceRouter

router = ServiceRouter(tags=["activities"])


class RecordActivity(BaseModel):
    """One piece of the officer's work at a school (the officer is the caller)."""

    school_id: SchoolId
    kind: ActivityKind
    started_at: Instant = Field(description="When it started, with timezone")
    minutes: int = Field(ge=5, le=720, description="How long it took")
    pupils_reached: int | None = Field(default=None, ge=0, le=5000)
    partners: list[Partner] = Field(default_factory=list, max_length=7)
    summary: FreeText | None = Field(
        default=None, max_length=2000, description="What was covered; stays in the service"
    )


class WithdrawActivity(BaseModel):
    """Why an activity no longer counts."""

    reason: ActivityWithdrawal


def activity_view(a: Activity) -> dict[str, Any]:
    """The activity as recorded, and whether it was withdrawn."""
    return {
        "id": str(a.id), "version": a.version, "school_id": a.school_id,
        "officer_id": a.officer_id, "kind": a.kind, "started_at": a.started_at,
        "minutes": a.minutes, "pupils_reached": a.pupils_reached, "partners": a.partners,
        "summary": a.summary, "withdrawn": a.withdrawn,
    }  # fmt: skip


async def _activity(s: Service, principal: Principal, activity_id: UUID) -> Activity:
    activity = await s.run(s.app.get_activity, activity_id)
    await s.check_school(principal, activity.school_id, hide=True)
    return activity


@router.post("/activities", status_code=201, response_model=Recorded)
async def record_activity(
    body: RecordActivity, principal: Annotated[Principal, allow("record_activity")], s: Service
) -> Recorded:
    """Record work the caller did at a school they were deployed to on that day."""
    # The day of the work, not today: an officer may record last week's lesson after moving on.
    scope = await scope_of(principal, s.view, london_day(body.started_at))
    scope.check(body.school_id)
    facts = ActivityFacts(
        **body.model_dump(exclude={"partners"}),
        partners=tuple(body.partners),
        officer_id=principal.sub,
    )
    activity_id = await s.run(s.app.record_activity, facts, now=s.now(), actor=s.actor(principal))
    return Recorded(id=activity_id)


@router.get("/activities/{activity_id}")
async def get_activity(
    activity_id: UUID, principal: Annotated[Principal, allow("read_activity")], s: Service
) -> dict[str, Any]:
    """The activity as recorded."""
    return await s.revealed(activity_view(await _activity(s, principal, activity_id)))


@router.get("/activities/{activity_id}/history")
async def activity_history(
    activity_id: UUID, principal: Annotated[Principal, allow("read_activity")], s: Service
) -> list[dict[str, Any]]:
    """The activity's events: recorded, and withdrawn if it was."""
    await _activity(s, principal, activity_id)
    return await s.revealed_all(history_of(await s.run(s.app.history, Activity, activity_id)))


@router.post("/activities/{activity_id}/withdrawal", response_model=Recorded)
async def withdraw_activity(
    activity_id: UUID,
    body: WithdrawActivity,
    principal: Annotated[Principal, allow("withdraw_activity")],
    s: Service,
) -> Recorded:
    """Withdraw an activity: by the officer who recorded it, or their borough supervisor."""
    activity = await _activity(s, principal, activity_id)
    if principal.role == "school_officer" and principal.sub != activity.officer_id:
        raise Forbidden(
            "activity-own", "an officer withdraws only activities they recorded", "activity_id"
        )
    await s.run(
        s.app.withdraw_activity, activity_id, body.reason, now=s.now(), actor=s.actor(principal)
    )
    return Recorded(id=activity_id)
