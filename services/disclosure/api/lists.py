"""Personal lists from the register: the head teacher's requests to sign, a requester's own.

Both read the register's table by fields of its rows (no free text is listed), scoped to the
caller's own school or own requests and refused without the claim that scopes them.
"""

from datetime import date, datetime
from typing import Annotated
from uuid import UUID

from fastapi import Depends
from pydantic import BaseModel

from services.disclosure.api.context import application, register
from services.disclosure.application import DisclosureApplication
from services.disclosure.views.register import Register, RegisterEntry
from services.runtime.auth import Principal, allow
from services.runtime.paging import Paging
from services.runtime.routing import ServiceRouter
from services.runtime.scope import claim_refusal
from services.runtime.subjects import reveal
from services.runtime.views_pg import Where

router = ServiceRouter(tags=["disclosure lists"])
App = Annotated[DisclosureApplication, Depends(application)]
Reg = Annotated[Register, Depends(register)]


class AwaitingSignature(BaseModel):
    """A request at the head teacher's school still without a valid countersignature."""

    id: UUID
    subject_ref: str
    urgency: str | None
    urgent_reason: str | None
    categories: list[str]
    data_controller: str | None
    recorded_at: datetime
    decision_due: datetime | None
    missing_fields: list[str]
    signable: bool  # the pro forma is complete, so it can be signed now


class MyRequest(BaseModel):
    """One of the caller's own requests and where it stands."""

    id: UUID
    school_id: str
    subject_ref: str
    urgency: str | None
    categories: list[str]
    data_controller: str | None
    direction: str | None
    status: str
    recorded_at: datetime
    missing_fields: list[str]
    countersigned: bool
    outcome: str | None
    decided_at: datetime | None
    released_at: datetime | None
    closed_at: datetime | None
    retain_until: date | None


def _opened(app: DisclosureApplication, rows: list[RegisterEntry]) -> list[RegisterEntry]:
    """The rows with their subjects' references opened (``erased`` once erased)."""
    return [RegisterEntry(**reveal(app.subjects, e.model_dump())) for e in rows]


@router.get("/requests/awaiting-my-signature", response_model=list[AwaitingSignature])
async def awaiting_my_signature(
    principal: Annotated[Principal, allow("read_awaiting_signature")],
    reg: Reg,
    app: App,
    paged: Paging,
) -> list[AwaitingSignature]:
    """Open requests at the head teacher's school that need her countersignature.

    A page holds the next such requests in the order they were submitted, sorted urgent first.
    """
    if not principal.school:
        raise claim_refusal(principal.role, "school")
    where = Where(
        equal={"kind": "s115_request", "school_id": principal.school},
        null=("countersigned_by", "closed_at"),
    )
    rows = _opened(app, paged.announce(await reg.select(paged.where(where))))
    rows.sort(key=lambda e: (e.urgency != "urgent", e.recorded_at))
    return [
        AwaitingSignature(**e.model_dump(), signable=not e.missing_fields)
        for e in rows
        if e.subject_ref is not None
    ]


@router.get("/requests/mine", response_model=list[MyRequest])
async def my_requests(
    principal: Annotated[Principal, allow("read_own_requests")],
    reg: Reg,
    app: App,
    paged: Paging,
) -> list[MyRequest]:
    """The caller's own requests, oldest first, each with its status."""
    where = Where(equal={"kind": "s115_request", "recorded_by": principal.sub})
    return [
        MyRequest(**e.model_dump(), countersigned=e.countersigned_by is not None)
        for e in _opened(app, paged.announce(await reg.select(paged.where(where))))
        if e.subject_ref is not None
    ]
