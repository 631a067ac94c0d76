"""Reading the audit trail: filters, streaming, verification and export formats."""

import csv
import io
import json
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from services.reporting import epochs
from services.reporting.chain import (
    GENESIS,
    HASHED_V2,
    ChainChecker,
    Row,
    Verdict,
    verify_stream,
)
from services.runtime.csvcells import defused
from services.runtime.projection import Connection

# The stored row: its place, what the hash covers (chain.HASHED_V2), and the chain itself.
COLUMNS = ("seq", *HASHED_V2, "hash_version", "prev_hash", "hash")
SELECT = f"SELECT {', '.join(COLUMNS)} FROM audit_trail"


@dataclass(frozen=True)
class AuditFilter:
    """Which entries to read: by entity, actor, type and time range [since, until)."""

    entity: str | None = None
    actor: str | None = None
    event_type: str | None = None
    since: datetime | None = None
    until: datetime | None = None

    def sql(self) -> tuple[str, list[Any]]:
        """The WHERE clause (possibly empty) and its arguments."""
        clauses: list[str] = []
        args: list[Any] = []
        for column, value in (
            ("entity", self.entity),
            ("actor_id", self.actor),
            ("event_type", self.event_type),
        ):
            if value is not None:
                args.append(value)
                clauses.append(f"{column} = ${len(args)}")
        if self.since is not None:
            args.append(self.since)
            clauses.append(f"event_time >= ${len(args)}")
        if self.until is not None:
            args.append(self.until)
            clauses.append(f"event_time < ${len(args)}")
        return (f" WHERE {' AND '.join(clauses)}" if clauses else ""), args


def as_entry(row: Row, decode: bool = True) -> dict[str, Any]:
    """A stored row as a plain dict, with the payload decoded (or kept as jsonb's text)."""
    entry = dict(row)
    if decode and isinstance(entry["data"], str):
        entry["data"] = json.loads(entry["data"])
    return entry


async def fetch_entries(
    conn: Connection, where: AuditFilter, *, limit: int, after_seq: int = 0, decode: bool = True
) -> list[dict[str, Any]]:
    """Up to ``limit`` matching entries after ``after_seq``, oldest first."""
    clause, args = where.sql()
    args.append(after_seq)
    clause += f"{' AND' if clause else ' WHERE'} seq > ${len(args)}"
    args.append(limit)
    rows = await conn.fetch(f"{SELECT}{clause} ORDER BY seq LIMIT ${len(args)}", *args)
    return [as_entry(r, decode) for r in rows]


async def stream_entries(
    conn: Connection,
    where: AuditFilter | None = None,
    page: int = 1000,
    *,
    after_seq: int = 0,
    decode: bool = True,
) -> AsyncIterator[dict[str, Any]]:
    """Every matching entry in seq order, read page by page (keyset) to bound memory."""
    after = after_seq
    while True:
        batch = await fetch_entries(
            conn, where or AuditFilter(), limit=page, after_seq=after, decode=decode
        )
        for entry in batch:
            yield entry
        if len(batch) < page:
            return
        after = batch[-1]["seq"]


async def recorded_head(conn: Connection) -> Row | None:
    """The newest recorded chain head (entries, hash), or None if there is none."""
    if await conn.fetchval("SELECT to_regclass('audit_chain_head')") is not None:
        head = await conn.fetchrow(
            "SELECT entries, hash FROM audit_chain_head ORDER BY id DESC LIMIT 1"
        )
        if head is not None:
            return head
    if await conn.fetchval("SELECT to_regclass('audit_chain_head_v1')") is not None:
        return await conn.fetchrow("SELECT entries, hash FROM audit_chain_head_v1")
    return None


async def recorded_head_row(conn: Connection) -> Row | None:
    """The newest append-only head (entries, last_seq, hash), or None."""
    return await conn.fetchrow(
        "SELECT entries, last_seq, hash FROM audit_chain_head ORDER BY id DESC LIMIT 1"
    )


async def verify(conn: Connection) -> Verdict:
    """Recompute the whole chain from the stored entries and compare with the head."""
    head = await recorded_head(conn)
    trail = await epochs.load(conn) if await _has(conn, "audit_epochs") else []
    edited = epochs.edited(trail)
    if edited is not None:
        return Verdict(0, GENESIS, edited)
    checker = ChainChecker(epochs=epochs.boundaries(trail))
    # The payload as jsonb gives it back, numbers as exact decimals: what the hash covers.
    return await verify_stream(stream_entries(conn, decode=False), head, checker)


async def _has(conn: Connection, table: str) -> bool:
    return await conn.fetchval("SELECT to_regclass($1)", table) is not None


async def with_checkpoints(
    conn: Connection, entries: AsyncIterator[dict[str, Any]]
) -> AsyncIterator[dict[str, Any]]:
    """The entries, each signed checkpoint as ``{"checkpoint": ...}`` after the entry it covers.

    An export then carries its own anchors: a reader checks a checkpoint's signature with the
    service's public key and its head against the entry before it.
    """
    pending: list[Any] = []
    if await conn.fetchval("SELECT to_regclass('audit_checkpoints')") is not None:
        pending = list(
            await conn.fetch("SELECT last_seq, body FROM audit_checkpoints ORDER BY number")
        )
    pending.reverse()
    async for entry in entries:
        while pending and pending[-1]["last_seq"] < entry["seq"]:
            yield {"checkpoint": json.loads(pending.pop()["body"])}
        yield entry
    while pending:
        yield {"checkpoint": json.loads(pending.pop()["body"])}


def jsonl_line(entry: Mapping[str, Any]) -> str:
    """One entry (or a checkpoint) as a JSON Lines record."""
    plain = dict(entry) if "checkpoint" in entry else _plain(entry)
    return json.dumps(plain, separators=(",", ":"), default=str) + "\n"


def csv_header() -> str:
    """The CSV header line of an export."""
    return _csv_row(COLUMNS)


def csv_line(entry: Mapping[str, Any]) -> str:
    """One entry as a CSV record; the payload is a JSON text cell."""
    plain = _plain(entry)
    plain["data"] = json.dumps(plain["data"], sort_keys=True, separators=(",", ":"))
    return _csv_row([plain[c] if plain[c] is not None else "" for c in COLUMNS])


def _plain(entry: Mapping[str, Any]) -> dict[str, Any]:
    plain = {c: entry[c] for c in COLUMNS}
    if isinstance(plain["event_time"], datetime):
        plain["event_time"] = plain["event_time"].isoformat()
    return plain


def _csv_row(values: Any) -> str:
    buffer = io.StringIO()
    # For people opening it in a spreadsheet; JSON Lines is the exact, verifiable export.
    csv.writer(buffer, lineterminator="\n").writerow([defused(v) for v in values])
    return buffer.getvalue()
