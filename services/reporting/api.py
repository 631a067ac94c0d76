"""HTTP queries of the reporting service."""

import json
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel

from services.runtime.auth import Principal, allow

router = APIRouter(tags=["audit"])


class AuditEntry(BaseModel):
    """One audit trail entry: who did what, to which record, when."""

    seq: int
    event_id: str
    event_type: str
    entity: str
    actor_id: str
    actor_role: str
    correlation_id: str
    source: str
    event_time: datetime
    sequence: int
    data: dict[str, Any]
    hash: str


@router.get("/audit", response_model=list[AuditEntry])
async def audit(
    request: Request,
    principal: Annotated[Principal, allow("read_audit")],
    entity: str | None = None,
    actor: str | None = None,
    type: Annotated[str | None, Query(description="ce_type of the events")] = None,
    since: datetime | None = None,
    until: datetime | None = None,
    limit: Annotated[int, Query(ge=1, le=10000)] = 1000,
) -> list[AuditEntry]:
    """Audit entries filtered by entity, actor, type and time range, oldest first."""
    clauses: list[str] = []
    args: list[object] = []
    for column, value in (("entity", entity), ("actor_id", actor), ("event_type", type)):
        if value is not None:
            args.append(value)
            clauses.append(f"{column} = ${len(args)}")
    if since is not None:
        args.append(since)
        clauses.append(f"event_time >= ${len(args)}")
    if until is not None:
        args.append(until)
        clauses.append(f"event_time < ${len(args)}")
    where = f"WHERE {' AND '.join(clauses)}" if clauses else ""
    args.append(limit)
    rows = await request.app.state.ssp.pool.fetch(
        f"SELECT * FROM audit_trail {where} ORDER BY seq LIMIT ${len(args)}", *args
    )
    return [AuditEntry(**{**dict(r), "data": json.loads(r["data"])}) for r in rows]
