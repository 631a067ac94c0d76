"""HTTP queries: a request and its history, the work queue, the register and its CSV."""

import re
from datetime import date, datetime
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Depends, HTTPException, Query, Response
from pydantic import BaseModel, Field

from services.disclosure.api.deps import application, now, register, require_borough
from services.disclosure.application import DisclosureApplication
from services.disclosure.domain import DisclosureRequest
from services.disclosure.export import register_csv
from services.disclosure.permissions import SUBMITTERS
from services.disclosure.queue import QueueItem, overdue_confirmations, work_queue
from services.disclosure.register import RecordKind, Register, RegisterEntry, entry_of_request
from services.runtime.auth import Principal, allow, forbid_outside_scope

router = APIRouter(tags=["disclosure queries"])
App = Annotated[DisclosureApplication, Depends(application)]
Reg = Annotated[Register, Depends(register)]
At = Annotated[datetime | None, Query(description="Evaluate deadlines as at; default now")]
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
    if principal.role in SUBMITTERS and principal.sub != request.requested_by:
        raise HTTPException(403, "scope: a requester reads only the requests they submitted")
    if principal.role == "head_teacher" and principal.school != request.school_id:
        raise HTTPException(403, f"scope: head teacher of another school than {request.school_id}")
    forbid_outside_scope(principal, borough=request.borough)


@router.get("/requests/{request_id}", response_model=RequestView)
def get_request(
    request_id: UUID, principal: Annotated[Principal, allow("read_request")], app: App
) -> RequestView:
    """A request as it stands: content, signature, decision, release, closure."""
    request = app.get_request(request_id)
    check_may_read(principal, request)
    entry = entry_of_request(request)
    return RequestView(
        **entry.model_dump(), version=request.version, content_hash=request.content_hash
    )


@router.get("/requests/{request_id}/history", response_model=list[HistoryEntry])
def get_history(
    request_id: UUID, principal: Annotated[Principal, allow("read_request")], app: App
) -> list[HistoryEntry]:
    """Every event of the request, oldest first: nothing is ever overwritten."""
    check_may_read(principal, app.get_request(request_id))
    return [
        HistoryEntry(
            version=e.originator_version,
            event=type(e).__name__,
            recorded_at=getattr(e, "timestamp"),  # noqa: B009 - not on the protocol
            actor_id=getattr(e, "actor").id,  # noqa: B009
            actor_role=getattr(e, "actor").role,  # noqa: B009
            details={k: v for k, v in vars(e).items() if k not in _HIDDEN},
        )
        for e in app.history(request_id)
    ]


@router.get("/queue", response_model=list[QueueItem])
def get_queue(
    borough: str, principal: Annotated[Principal, allow("read_queue")], reg: Reg, at: At = None
) -> list[QueueItem]:
    """Open requests of the borough: urgent first, with deadlines and blockers."""
    require_borough(principal, borough)
    return work_queue(reg.of_borough(borough), at or now())


@router.get("/queue/overdue-confirmations", response_model=list[QueueItem])
def get_overdue_confirmations(
    borough: str, principal: Annotated[Principal, allow("read_queue")], reg: Reg, at: At = None
) -> list[QueueItem]:
    """Urgent requests of the borough whose written confirmation is overdue."""
    require_borough(principal, borough)
    return overdue_confirmations(reg.of_borough(borough), at or now())


class RegisterFilter(BaseModel):
    """Filters of the register; every one optional except the borough."""

    borough: str
    school_id: str | None = None
    kind: RecordKind | None = None
    urgency: str | None = None
    outcome: str | None = None
    status: str | None = None
    recorded_from: date | None = Field(default=None, description="Submitted or logged on or after")
    recorded_to: date | None = Field(default=None, description="Submitted or logged on or before")

    def select(self, entries: list[RegisterEntry]) -> list[RegisterEntry]:
        """The entries that pass every filter given."""
        exact = {
            k: v
            for k, v in self.model_dump().items()
            if v is not None and k not in ("borough", "recorded_from", "recorded_to")
        }
        return [
            e
            for e in entries
            if all(getattr(e, k) == v for k, v in exact.items())
            and (self.recorded_from is None or e.recorded_at.date() >= self.recorded_from)
            and (self.recorded_to is None or e.recorded_at.date() <= self.recorded_to)
        ]


def _filtered(principal: Principal, reg: Register, filters: RegisterFilter) -> list[RegisterEntry]:
    forbid_outside_scope(principal, borough=filters.borough)
    return filters.select(reg.of_borough(filters.borough))


@router.get("/register", response_model=list[RegisterEntry])
def get_register(
    filters: Annotated[RegisterFilter, Query()],
    principal: Annotated[Principal, allow("read_register")],
    reg: Reg,
) -> list[RegisterEntry]:
    """The register of the borough: every request and planning exchange, oldest first."""
    return _filtered(principal, reg, filters)


@router.get("/register.csv", response_class=Response)
def export_register(
    filters: Annotated[RegisterFilter, Query()],
    principal: Annotated[Principal, allow("export_register")],
    reg: Reg,
) -> Response:
    """The register as CSV with the data sharing log's fields."""
    body = register_csv(_filtered(principal, reg, filters))
    # The borough is whatever the caller typed; a header carries latin-1 without quotes or breaks.
    name = f"disclosure-register-{re.sub(r'[^A-Za-z0-9-]', '_', filters.borough)}.csv"
    return Response(
        body,
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )
