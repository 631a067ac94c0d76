"""HTTP queries: a request and its history, the work queue, the register and its CSV."""

import re
from datetime import UTC, date, datetime, time, timedelta
from typing import Annotated, Any
from uuid import UUID

from fastapi import Depends, Query, Response
from pydantic import BaseModel, Field
from ssp_contracts.events.disclosure import Outcome, Urgency

from services.disclosure.api.context import application, consulted, register
from services.disclosure.api.scope import require_borough
from services.disclosure.application import DisclosureApplication
from services.disclosure.domain import DisclosureRequest
from services.disclosure.permissions import SUBMITTERS
from services.disclosure.views.export import register_csv
from services.disclosure.views.queue import QueueItem, overdue_confirmations, work_queue
from services.disclosure.views.register import RecordKind, Register, RegisterEntry, entry_of_request
from services.runtime.auth import Principal, allow, forbid_outside_scope, hide_outside_scope
from services.runtime.consultations import Purpose
from services.runtime.domain import NotFound
from services.runtime.endpoint import Now
from services.runtime.inputs import Day, Instant, Key
from services.runtime.paging import Paged, Paging
from services.runtime.routing import ServiceRouter
from services.runtime.subjects import reveal
from services.runtime.views_pg import Where

router = ServiceRouter(tags=["disclosure queries"])
App = Annotated[DisclosureApplication, Depends(application)]
Reg = Annotated[Register, Depends(register)]
At = Annotated[Instant | None, Query(description="Evaluate deadlines as at; default now")]
# Event attributes that are bookkeeping, not what happened.
_HIDDEN = {"originator_id", "originator_version", "originator_topic", "timestamp", "actor"}


class RequestView(RegisterEntry):
    """A request as it stands, with the hash a head teacher signs."""

    version: int
    content_hash: str = Field(description="SHA-256 of the content; sign with this value")


class HistoryEntry(BaseModel):
    """One event of a request's history."""

    version: int
    event: str
    recorded_at: datetime
    actor_id: str
    actor_role: str
    details: dict[str, Any]


def check_may_read(principal: Principal, request: DisclosureRequest) -> None:
    """Requesters read their own requests; others within their school or borough."""
    # A request outside the caller's scope is not found: a 403 would confirm it exists.
    if principal.role in SUBMITTERS and principal.sub != request.requested_by:
        raise NotFound("no such request among those the caller submitted")
    if principal.role == "head_teacher" and principal.school != request.school_id:
        raise NotFound("no such request at the head teacher's school")
    hide_outside_scope(principal, school=request.school_id, borough=request.borough)


def consult(
    app: DisclosureApplication, principal: Principal, request_id: UUID, purpose: Purpose, now: Now
) -> DisclosureRequest:
    """The request read by id, its consultation logged before it is answered (DPA 2018 s62)."""
    request = app.get_request(request_id)
    check_may_read(principal, request)
    consulted(
        app,
        principal,
        purpose,
        "disclosure_request",
        now,
        record_id=request.id,
        subject_ref=request.subject_ref,
        school_id=request.school_id,
    )
    return request


@router.get("/requests/{request_id}", response_model=RequestView)
def get_request(
    request_id: UUID,
    principal: Annotated[Principal, allow("read_request")],
    app: App,
    purpose: Purpose,
    now: Now,
) -> RequestView:
    """A request as it stands: content, signature, decision, release, closure (read logged)."""
    request = consult(app, principal, request_id, purpose, now)
    entry = reveal(app.subjects, entry_of_request(request).model_dump())
    return RequestView(**entry, version=request.version, content_hash=request.content_hash)


@router.get("/requests/{request_id}/history", response_model=list[HistoryEntry])
def get_history(
    request_id: UUID,
    principal: Annotated[Principal, allow("read_request")],
    app: App,
    purpose: Purpose,
    now: Now,
) -> list[HistoryEntry]:
    """Every event of the request, oldest first: nothing is ever overwritten (read logged)."""
    consult(app, principal, request_id, purpose, now)
    return history_entries(app, request_id)


def history_entries(app: DisclosureApplication, request_id: UUID) -> list[HistoryEntry]:
    """Every event of the request as its history shows it, oldest first."""
    return [
        HistoryEntry(
            version=e.originator_version,
            event=type(e).__name__,
            recorded_at=getattr(e, "timestamp"),  # noqa: B009 - not on the protocol
            actor_id=getattr(e, "actor").id,  # noqa: B009
            actor_role=getattr(e, "actor").role,  # noqa: B009
            details=reveal(app.subjects, {k: v for k, v in vars(e).items() if k not in _HIDDEN}),
        )
        for e in app.history(DisclosureRequest, request_id)
    ]


@router.get("/queue", response_model=list[QueueItem])
async def get_queue(
    borough: Key,
    principal: Annotated[Principal, allow("read_queue")],
    reg: Reg,
    now: Now,
    paged: Paging,
    at: At = None,
) -> list[QueueItem]:
    """Open requests of the borough: urgent first, with deadlines and blockers.

    A page holds the next open requests in the order they were submitted, sorted urgent first.
    """
    require_borough(principal, borough)
    where = Where(equal={"borough": borough, "kind": "s115_request"}, null=("closed_at",))
    return work_queue(paged.announce(await reg.select(paged.where(where))), at or now)


@router.get("/queue/overdue-confirmations", response_model=list[QueueItem])
async def get_overdue_confirmations(
    borough: Key,
    principal: Annotated[Principal, allow("read_queue")],
    reg: Reg,
    now: Now,
    paged: Paging,
    at: At = None,
) -> list[QueueItem]:
    """Urgent requests of the borough whose written confirmation is overdue.

    A page is cut from the borough's urgent requests in the order they were submitted.
    """
    require_borough(principal, borough)
    where = Where(equal={"borough": borough, "kind": "s115_request", "urgency": "urgent"})
    return overdue_confirmations(paged.announce(await reg.select(paged.where(where))), at or now)


class RegisterFilter(BaseModel):
    """Filters of the register; every one optional except the borough."""

    borough: Key
    school_id: Key | None = None
    kind: RecordKind | None = None
    urgency: Urgency | None = None
    outcome: Outcome | None = None
    status: Key | None = None
    recorded_from: Day | None = Field(default=None, description="Submitted or logged on or after")
    recorded_to: Day | None = Field(default=None, description="Submitted or logged on or before")

    def where(self) -> Where:
        """The filters as the register view's query (days are UTC days, as stored)."""
        exact = {
            k: v
            for k, v in self.model_dump().items()
            if v is not None and k not in ("recorded_from", "recorded_to")
        }
        since = _midnight(self.recorded_from)
        until = _midnight(self.recorded_to + timedelta(days=1) if self.recorded_to else None)
        return Where(equal=exact, since=since, until=until)


def _midnight(day: date | None) -> datetime | None:
    return None if day is None else datetime.combine(day, time(), tzinfo=UTC)


async def _filtered(
    principal: Principal, reg: Register, filters: RegisterFilter, paged: Paged | None = None
) -> list[RegisterEntry]:
    forbid_outside_scope(principal, borough=filters.borough)
    if paged is None:
        return await reg.select(filters.where())
    return paged.announce(await reg.select(paged.where(filters.where())))


def _revealed(app: DisclosureApplication, entries: list[RegisterEntry]) -> list[RegisterEntry]:
    """The entries with their subjects' sealed details opened (``erased`` once erased)."""
    subjects = app.subjects
    return [RegisterEntry(**reveal(subjects, e.model_dump())) for e in entries]


@router.get("/register", response_model=list[RegisterEntry])
async def get_register(
    filters: Annotated[RegisterFilter, Query()],
    principal: Annotated[Principal, allow("read_register")],
    reg: Reg,
    app: App,
    paged: Paging,
) -> list[RegisterEntry]:
    """The register of the borough: every request and planning exchange, oldest first."""
    return _revealed(app, await _filtered(principal, reg, filters, paged))


@router.get("/register.csv", response_class=Response)
async def export_register(
    filters: Annotated[RegisterFilter, Query()],
    principal: Annotated[Principal, allow("export_register")],
    reg: Reg,
    app: App,
    purpose: Purpose,
    now: Now,
) -> Response:
    """The register as CSV with the data sharing log's fields (the export is logged)."""
    entries = await _filtered(principal, reg, filters)
    consulted(app, principal, purpose, "register_export", now, records=len(entries))
    body = register_csv(_revealed(app, entries))
    # A header carries latin-1 only: the borough as given could break the answer.
    name = f"disclosure-register-{re.sub(r'[^A-Za-z0-9_-]+', '-', filters.borough)}.csv"
    return Response(
        body,
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )
