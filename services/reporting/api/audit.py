"""Audit trail queries: by entity, actor, type and time; verification; export."""

from collections.abc import AsyncIterator
from datetime import datetime
from typing import Annotated, Any, Literal

import asyncpg
from fastapi import Depends, Query, Request, Response
from fastapi.responses import JSONResponse, StreamingResponse
from pydantic import BaseModel, Field
from pydantic_core import PydanticCustomError

from services.reporting import audit_trail
from services.reporting.api.common import Format, pool
from services.reporting.audit_trail import AuditFilter
from services.reporting.chain import GENESIS
from services.runtime.auth import Principal, allow
from services.runtime.domain import RuleViolation
from services.runtime.inputs import Instant, Key, Text
from services.runtime.paging import MAX_CURSOR, NEXT_HEADER, After, decode_cursor
from services.runtime.routing import ServiceRouter

router = ServiceRouter(tags=["audit"])


class AuditEntry(BaseModel):
    """One audit trail entry: who did what, to which record, when, and its chain hashes."""

    seq: int = Field(description="Position in the chain")
    event_id: str
    event_type: str
    entity: str = Field(description="Id of the record the event changed")
    actor_id: str
    actor_role: str
    correlation_id: str
    causation_id: str | None
    source: str
    event_time: datetime
    sequence: int = Field(description="Version of the record after the event")
    topic: str
    data: dict[str, Any]
    kafka_partition: int | None = Field(description="Partition of the event on its topic")
    kafka_offset: int | None = Field(description="Offset of the event on its partition")
    hash_version: int = Field(description="1: hashed before canonical encoding; 2: canonical")
    prev_hash: str
    hash: str


class ChainReport(BaseModel):
    """Outcome of recomputing the chain."""

    ok: bool
    entries: int
    head: str
    first_broken_seq: int | None
    first_broken_event: str | None
    reason: str | None


class ChainHead(BaseModel):
    """The newest hash of the chain, to anchor outside the database."""

    entries: int
    hash: str


async def audit_filter(
    entity: Annotated[Key | None, Query(description="Id of the record")] = None,
    actor: Annotated[Text | None, Query(max_length=200, description="Actor id")] = None,
    type: Annotated[Text | None, Query(max_length=200, description="ce_type of the events")] = None,
    since: Annotated[Instant | None, Query(description="From this time (inclusive)")] = None,
    until: Annotated[Instant | None, Query(description="Before this time")] = None,
) -> AuditFilter:
    """The filter named by the query string; since must come before until."""
    if since is not None and until is not None and since >= until:
        raise RuleViolation("until-after-since", "until: must be later than since", "query.until")
    return AuditFilter(entity, actor, type, since, until)


Filter = Annotated[AuditFilter, Depends(audit_filter)]
Pool = Annotated[asyncpg.Pool, Depends(pool)]
MAX_SEQ = 2**63 - 1  # seq is a bigserial: a larger number is no position and fails the query


@router.get("/audit", response_model=list[AuditEntry])
async def audit(
    request: Request,
    principal: Annotated[Principal, allow("read_audit")],
    db: Pool,
    where: Filter,
    limit: Annotated[int, Query(ge=1, le=10000)] = 1000,
    after_seq: Annotated[
        int, Query(ge=0, le=MAX_SEQ, description="Page on: entries after this seq")
    ] = 0,
    cursor: Annotated[
        str | None, Query(max_length=MAX_CURSOR, description=f"From the {NEXT_HEADER} header")
    ] = None,
    format: Format = "json",
) -> Any:
    """Audit entries filtered by entity, actor, type and time range, oldest first; the next
    page's cursor in the same headers as every other list (``after_seq`` still pages too)."""
    start = after_seq if cursor is None else max(after_seq, _seq_of(cursor))
    async with db.acquire() as conn:
        entries = await audit_trail.fetch_entries(conn, where, limit=limit + 1, after_seq=start)
    more, entries = len(entries) > limit, entries[:limit]
    if format == "csv":
        body = audit_trail.csv_header() + "".join(audit_trail.csv_line(e) for e in entries)
        answer: Response = Response(body, media_type="text/csv; charset=utf-8")
    else:
        answer = JSONResponse([AuditEntry(**e).model_dump(mode="json") for e in entries])
    if more:
        next_cursor = After(entries[-1]["seq"], str(entries[-1]["seq"])).encode()
        answer.headers[NEXT_HEADER] = next_cursor
        url = request.url.include_query_params(cursor=next_cursor)
        answer.headers["Link"] = f'<{url}>; rel="next"'
    return answer


def _seq_of(cursor: str) -> int:
    """The seq a cursor of this list ends at; anything else is a 422 naming the cursor."""
    try:
        seq = decode_cursor(cursor).order
    except PydanticCustomError:
        seq = None
    if not isinstance(seq, int) or not 0 <= seq <= MAX_SEQ:
        raise RuleViolation(
            "invalid-cursor", "cursor: is not a cursor of this list", "query.cursor"
        )
    return seq


@router.get("/audit/export")
async def export(
    principal: Annotated[Principal, allow("export_audit")],
    db: Pool,
    where: Filter,
    format: Annotated[Literal["jsonl", "csv"], Query(description="jsonl or csv")] = "jsonl",
) -> StreamingResponse:
    """The whole (filtered) trail as JSON Lines (with its signed checkpoints) or CSV, streamed."""

    async def lines() -> AsyncIterator[str]:
        async with db.acquire() as conn:
            if format == "csv":
                yield audit_trail.csv_header()
            entries = audit_trail.stream_entries(conn, where)
            if format == "csv":
                async for entry in entries:
                    yield audit_trail.csv_line(entry)
                return
            async for line in audit_trail.with_checkpoints(conn, entries):
                yield audit_trail.jsonl_line(line)

    media = "text/csv; charset=utf-8" if format == "csv" else "application/x-ndjson"
    extension = "csv" if format == "csv" else "jsonl"
    return StreamingResponse(
        lines(),
        media_type=media,
        headers={"Content-Disposition": f'attachment; filename="audit-trail.{extension}"'},
    )


@router.get("/audit/verify", response_model=ChainReport)
async def verify(principal: Annotated[Principal, allow("read_audit")], db: Pool) -> ChainReport:
    """Recompute the hash chain; names the first broken entry."""
    async with db.acquire() as conn:
        verdict = await audit_trail.verify(conn)
    broken = verdict.broken
    return ChainReport(
        ok=verdict.ok,
        entries=verdict.entries,
        head=verdict.head,
        first_broken_seq=broken.seq if broken else None,
        first_broken_event=broken.event_id if broken else None,
        reason=str(broken) if broken else None,
    )


@router.get("/audit/head", response_model=ChainHead)
async def head(principal: Annotated[Principal, allow("read_audit")], db: Pool) -> ChainHead:
    """The chain's recorded head, for anchoring in a system the database admins cannot edit."""
    async with db.acquire() as conn:
        row = await audit_trail.recorded_head(conn)
    if row is None:
        return ChainHead(entries=0, hash=GENESIS)
    return ChainHead(entries=row["entries"], hash=row["hash"])
