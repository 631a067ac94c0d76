"""An officer's day: today's schools and shift, and the actions they still owe there."""

from typing import Annotated, Any

from services.incidents.api.context import Service
from services.incidents.api.owed import follow_ups_due, owed
from services.runtime.auth import Principal, allow
from services.runtime.clock import london_day
from services.runtime.paging import Since
from services.runtime.routing import ServiceRouter

router = ServiceRouter(tags=["officer's day"])


@router.get("/me/today")
async def my_day(
    principal: Annotated[Principal, allow("read_my_day")], s: Service, since: Since = None
) -> dict[str, Any]:
    """The calling officer's day (London date): the schools they are deployed to, their
    rostered shift if staffing published one, and what they owe at those schools."""
    today = london_day(s.now())
    schools = (await s.scope(principal)).schools or frozenset()
    deployments = [
        {
            "deployment_id": d.deployment_id,
            "borough": d.borough,
            "school_ids": [school for school in d.school_ids if school in schools],
            "tenure_end": d.tenure_end,
        }
        for d in await s.view.active(today, principal.sub)
        if schools & set(d.school_ids)
    ]
    shift = await s.view.shift(principal.sub, today)
    actions = await owed(s, principal, schools, since)
    actions["safeguarding_follow_ups_due"] = await follow_ups_due(s, schools, today, since)
    return {
        "date": today,
        "officer_id": principal.sub,
        "schools": sorted(schools),
        "deployments": deployments,
        "shift": None if shift is None else {"start": shift.start, "hours": shift.hours},
        "owed": actions,
    }
