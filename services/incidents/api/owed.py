"""What the protocol still asks for at some schools: one set of queries for every caller.

``GET /outstanding`` asks them for the schools in the caller's scope, ``GET /me/today`` for
the schools an officer is deployed to today; ``since`` keeps the records from that time on.
"""

from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from services.incidents.api.context import Incidents
from services.incidents.domain.evidence import booking_due
from services.runtime.auth import Principal
from services.runtime.views_pg import Where

Lists = dict[str, list[dict[str, Any]]]


async def owed(
    s: Incidents, principal: Principal, schools: Iterable[str] | None, since: datetime | None
) -> Lists:
    """Serious incidents and arrests whose head teacher is not told, searches whose parents
    are not, evidence not booked in (the ageing list, each with when it is due), and referred
    incidents outside protocol hours not yet handed to response officers."""
    within = {"school_id": schools}
    serious = await s.cases.select(
        Where(
            equal={"kind": "incident", "serious": True},
            within=within,
            null=("head_teacher_notified_at",),
            since=since,
        )
    )
    searches = await s.cases.select(
        Where(
            equal={"kind": "search"},
            within=within,
            not_null=("pupil_ref",),
            null=("parents_informed_at",),
            since=since,
        )
    )
    arrests = await s.cases.select(
        Where(
            equal={"kind": "arrest"},
            within=within,
            null=("head_teacher_notified_at",),
            since=since,
        )
    )
    held = await s.cases.select(
        Where(
            equal={"kind": "evidence"},
            within={**within, "holder": ("school_staff", "officer")},
            since=since,
        )
    )
    now = s.now()
    ageing = [
        {**r, "due_by": due, "overdue": due < now}
        for r in held
        if (due := booking_due(r["holder"], datetime.fromisoformat(r["moved_at"]))) is not None
    ]
    not_handed = await s.cases.select(
        Where(
            equal={"kind": "incident", "outside_protocol_hours": True, "referred": True},
            within=within,
            null=("handed_off_at", "closed_at"),
            since=since,
        )
    )
    return {
        "serious_incidents_head_teacher_not_told": await s.readable(principal, serious),
        "evidence_not_booked_in": ageing,
        "outside_hours_not_handed_to_response": await s.readable(principal, not_handed),
        "searches_parents_not_told": list(searches),
        "arrests_head_teacher_not_told": list(arrests),
    }


async def follow_ups_due(
    s: Incidents, schools: Iterable[str] | None, today: date, since: datetime | None
) -> list[dict[str, Any]]:
    """Open safeguarding referrals whose follow-up falls on or before ``today``."""
    rows = await s.cases.select(
        Where(
            equal={"kind": "safeguarding"},
            within={"school_id": schools},
            null=("closed_at",),
            since=since,
        )
    )
    return [
        {**r, "follow_up_overdue": date.fromisoformat(due) < today}
        for r in rows
        if (due := r.get("follow_up_due")) is not None and date.fromisoformat(due) <= today
    ]
