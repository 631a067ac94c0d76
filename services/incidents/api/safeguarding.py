"""Safeguarding referrals to children's social care: refer, record outcomes, close, list."""

from datetime import date
from typing import Annotated, Any
from uuid import UUID

from pydantic import BaseModel, Field
from ssp_contracts.events.common import PupilRef
from ssp_contracts.events.incidents import ConcernKind, SafeguardingOutcome, SafeguardingSource

from services.incidents.api.context import Service
from services.incidents.domain.incident import Incident
from services.incidents.domain.safeguarding import SafeguardingReferral
from services.runtime.auth import Principal, allow
from services.runtime.clock import london_day
from services.runtime.endpoint import Recorded
from services.runtime.inputs import Day, FreeText, Instant
from services.runtime.paging import Paging
from services.runtime.routing import ServiceRouter
from services.runtime.views_pg import Where

router = ServiceRouter(tags=["safeguarding"])


class Referral(BaseModel):
    """A safeguarding concern raised from an incident or search, referred to the MASH."""

    source: SafeguardingSource
    source_id: UUID = Field(description="The incident or search the concern was raised from")
    pupil_ref: PupilRef
    concern: ConcernKind
    details: FreeText = Field(min_length=1, max_length=4000, description="Stays in the service")
    referred_at: Instant
    follow_up_due: Day = Field(description="When the school chases social care's outcome")


class Outcome(BaseModel):
    """Children's social care's outcome and the next follow-up (none when it can be closed)."""

    outcome: SafeguardingOutcome
    recorded_at: Instant
    follow_up_due: Day | None = None
    notes: FreeText = Field(default="", max_length=4000, description="Stays in the service")


class Closure(BaseModel):
    """Closing a referral."""

    closed_at: Instant


def referral_view(r: SafeguardingReferral) -> dict[str, Any]:
    """The referral as the API shows it to those who follow it."""
    return {
        "id": str(r.id), "school_id": r.school_id, "source": r.source, "source_id": r.source_id,
        "pupil_ref": r.pupil_ref, "concern": r.concern, "details": r.details,
        "referred_at": r.referred_at, "follow_up_due": r.follow_up_due, "outcomes": r.outcomes,
        "closed_at": r.closed_at,
    }  # fmt: skip


@router.post("/safeguarding-referrals", status_code=201, response_model=Recorded)
async def refer(
    body: Referral, principal: Annotated[Principal, allow("refer_safeguarding")], s: Service
) -> Recorded:
    """Refer a concern raised from an incident or search in the caller's scope."""
    record = await s.run(s.app.source_of, body.source, body.source_id)
    if isinstance(record, Incident):
        await s.check_incident(principal, record)
    else:
        await s.check_school(principal, record.school_id, hide=True)
    referral_id = await s.run(
        s.app.refer_safeguarding, **body.model_dump(), now=s.now(), actor=s.actor(principal)
    )
    return Recorded(id=referral_id)


@router.get("/safeguarding-referrals/outstanding")
async def outstanding(
    principal: Annotated[Principal, allow("read_safeguarding")], s: Service, paged: Paging
) -> list[dict[str, Any]]:
    """Referrals in scope not yet closed, oldest first; those past their follow-up flagged."""
    scope, today = await s.scope(principal), london_day(s.now())
    where = Where(
        equal={"kind": "safeguarding"}, within={"school_id": scope.schools}, null=("closed_at",)
    )
    rows = paged.announce(await s.cases.select(paged.where(where)))
    return [
        {**r, "follow_up_overdue": due is not None and date.fromisoformat(due) < today}
        for r in rows
        if (due := r["follow_up_due"]) is not None or True
    ]


async def _referral(s: Service, principal: Principal, referral_id: UUID) -> SafeguardingReferral:
    referral = await s.run(s.app.get_referral, referral_id)
    await s.check_school(principal, referral.school_id, hide=True)
    return referral


@router.get("/safeguarding-referrals/{referral_id}")
async def get_referral(
    referral_id: UUID, principal: Annotated[Principal, allow("read_safeguarding")], s: Service
) -> dict[str, Any]:
    """A referral, its outcomes and follow-up."""
    return await s.revealed(referral_view(await _referral(s, principal, referral_id)))


@router.post("/safeguarding-referrals/{referral_id}/outcome", response_model=Recorded)
async def record_outcome(
    referral_id: UUID,
    body: Outcome,
    principal: Annotated[Principal, allow("follow_safeguarding")],
    s: Service,
) -> Recorded:
    """Record social care's outcome and the next follow-up date."""
    await _referral(s, principal, referral_id)
    await s.run(
        s.app.record_safeguarding_outcome, referral_id, **body.model_dump(), now=s.now(),
        actor=s.actor(principal),
    )  # fmt: skip
    return Recorded(id=referral_id)


@router.post("/safeguarding-referrals/{referral_id}/closure", response_model=Recorded)
async def close(
    referral_id: UUID,
    body: Closure,
    principal: Annotated[Principal, allow("follow_safeguarding")],
    s: Service,
) -> Recorded:
    """Close the referral once social care's outcome is recorded."""
    await _referral(s, principal, referral_id)
    await s.run(
        s.app.close_referral, referral_id, closed_at=body.closed_at, now=s.now(),
        actor=s.actor(principal),
    )  # fmt: skip
    return Recorded(id=referral_id)
