"""The audit trail's hash chain: how an entry is hashed and how the chain is verified."""

import hashlib
import json
from collections.abc import AsyncIterator, Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

GENESIS = "0" * 64
# A stored entry: a dict or an asyncpg Record (which the stubs do not call a Mapping).
Row = Mapping[str, Any] | Any
# Fields covered by the hash, in order; the chain breaks if any of them changes.
HASHED = (
    "event_id",
    "event_type",
    "entity",
    "actor_id",
    "actor_role",
    "correlation_id",
    "causation_id",
    "source",
    "event_time",
    "sequence",
    "topic",
    "data",
)


def canonical(entry: Mapping[str, Any]) -> str:
    """The entry's hashed fields as compact, key-sorted JSON (time as UTC ISO 8601)."""
    values = []
    for key in HASHED:
        value = entry[key]
        if isinstance(value, datetime):
            value = value.astimezone(UTC).isoformat()
        elif key == "data" and isinstance(value, str):
            value = json.loads(value)  # jsonb read back as text
        values.append(_without_negative_zero(value))
    return json.dumps(values, sort_keys=True, separators=(",", ":"), default=str)


def _without_negative_zero(value: Any) -> Any:
    """-0.0 as 0.0, at any depth: jsonb stores numbers as numeric, which has no negative zero,
    so a -0.0 hashed on arrival would read back as 0.0 and break the chain."""
    if isinstance(value, float) and value == 0.0:
        return 0.0
    if isinstance(value, dict):
        return {k: _without_negative_zero(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_without_negative_zero(v) for v in value]
    return value


def entry_hash(prev_hash: str, entry: Mapping[str, Any]) -> str:
    """SHA-256 over the previous entry's hash and this entry's canonical JSON."""
    return hashlib.sha256((prev_hash + canonical(entry)).encode()).hexdigest()


@dataclass(frozen=True)
class Break:
    """The first entry where the chain does not hold, and why."""

    seq: int | None
    event_id: str | None
    reason: str

    def __str__(self) -> str:
        where = f"entry seq {self.seq} (event {self.event_id})" if self.seq else "chain head"
        return f"{where}: {self.reason}"


@dataclass(frozen=True)
class Verdict:
    """Outcome of a verification: entries checked, last hash, first break if any."""

    entries: int
    head: str
    broken: Break | None

    @property
    def ok(self) -> bool:
        """Whether every entry and the recorded head agree."""
        return self.broken is None


class ChainChecker:
    """Walks entries in seq order and remembers the first break."""

    def __init__(self) -> None:
        self.prev = GENESIS
        self.entries = 0
        self.broken: Break | None = None

    def check(self, row: Row) -> bool:
        """Check one entry; False once the chain is broken."""
        if self.broken is not None:
            return False
        self.entries += 1
        if row["prev_hash"] != self.prev:
            reason = (
                "its prev_hash does not match the hash of the entry before it"
                " (an entry before it was deleted, inserted or moved)"
            )
        elif entry_hash(self.prev, row) != row["hash"]:
            reason = "its contents do not match its hash (the entry was edited)"
        else:
            self.prev = row["hash"]
            return True
        self.broken = Break(row["seq"], row["event_id"], reason)
        return False

    def finish(self, head: Row | None) -> Verdict:
        """Compare the end of the walk with the recorded chain head (catches truncation)."""
        if self.broken is None and head is not None:
            if head["entries"] != self.entries or head["hash"] != self.prev:
                self.broken = Break(
                    None,
                    None,
                    f"the trail ends after {self.entries} entries at {self.prev[:12]}…, but the"
                    f" recorded head is entry {head['entries']} at {head['hash'][:12]}…"
                    " (entries at the end were deleted or appended outside the projection)",
                )
        elif self.broken is None and head is None and self.entries:
            self.broken = Break(None, None, "entries exist but no chain head is recorded")
        return Verdict(self.entries, self.prev, self.broken)


def verify_rows(rows: Iterable[Row], head: Row | None) -> Verdict:
    """Verify a sequence of stored entries (in seq order) against the recorded head."""
    checker = ChainChecker()
    for row in rows:
        if not checker.check(row):
            break
    return checker.finish(head)


async def verify_stream(rows: AsyncIterator[Row], head: Row | None) -> Verdict:
    """Like ``verify_rows`` for rows streamed from a database cursor."""
    checker = ChainChecker()
    async for row in rows:
        if not checker.check(row):
            break
    return checker.finish(head)
