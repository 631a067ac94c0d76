"""The audit trail's hash chain: how an entry is hashed and how the chain is verified."""

import hashlib
import itertools
import json
from collections.abc import AsyncIterator, Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from services.reporting.canonical import canonical_bytes

GENESIS = "0" * 64
# Version 1 hashed Python's json.dumps of the values it had in hand, which jsonb does not
# always give back (-0.0 comes back as 0.0); version 2 hashes the canonical encoding of
# canonical.py, which is the same before and after storage, and covers the Kafka position.
HASH_VERSION = 2
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
HASHED_V2 = (*HASHED, "kafka_partition", "kafka_offset")
# Entries that v1 hashed with -0.0 are tried again with zeros negated, up to this many zeros.
_MAX_ZEROS = 8


def canonical_v2(entry: Mapping[str, Any]) -> bytes:
    """The bytes a version 2 hash covers: the entry's fields, canonically encoded."""
    fields: dict[str, Any] = {"v": 2}
    for key in HASHED_V2:
        value = entry[key]
        if isinstance(value, datetime):
            value = value.astimezone(UTC).isoformat()
        elif key == "data" and isinstance(value, str):
            value = json.loads(value, parse_float=Decimal)  # jsonb as text: exact decimals
        fields[key] = value
    return canonical_bytes(fields)


def canonical(entry: Mapping[str, Any]) -> str:
    """Version 1: the hashed fields as compact, key-sorted JSON (time as UTC ISO 8601)."""
    values = []
    for key in HASHED:
        value = entry[key]
        if isinstance(value, datetime):
            value = value.astimezone(UTC).isoformat()
        elif key == "data" and isinstance(value, str):
            value = json.loads(value)  # jsonb read back as text
        values.append(value)
    return json.dumps(values, sort_keys=True, separators=(",", ":"), default=str)


def entry_hash(prev_hash: str, entry: Mapping[str, Any]) -> str:
    """SHA-256 over the previous entry's hash and this entry's canonical encoding."""
    if entry.get("hash_version", HASH_VERSION) == 1:
        return hashlib.sha256((prev_hash + canonical(entry)).encode()).hexdigest()
    return hashlib.sha256(prev_hash.encode() + canonical_v2(entry)).hexdigest()


def hash_matches(prev_hash: str, entry: Mapping[str, Any]) -> bool:
    """Whether the entry's stored hash is its hash (v1 entries also as hashed before jsonb)."""
    if entry_hash(prev_hash, entry) == entry["hash"]:
        return True
    if entry.get("hash_version", HASH_VERSION) != 1:
        return False
    data = entry["data"]
    data = json.loads(data) if isinstance(data, str) else data
    return any(
        entry_hash(prev_hash, {**entry, "data": variant}) == entry["hash"]
        for variant in _negative_zero_variants(data)
    )


def _negative_zero_variants(data: Any) -> Iterator[Any]:
    """``data`` with each subset of its float zeros written as -0.0 (what v1 may have hashed)."""
    paths: list[tuple[Any, ...]] = []

    def walk(node: Any, path: tuple[Any, ...]) -> None:
        items = node.items() if isinstance(node, dict) else enumerate(node)
        for key, value in items:
            if isinstance(value, dict | list):
                walk(value, (*path, key))
            elif isinstance(value, float) and value == 0:
                paths.append((*path, key))

    if isinstance(data, dict | list):
        walk(data, ())
    for chosen in itertools.product((False, True), repeat=min(len(paths), _MAX_ZEROS)):
        if not any(chosen):
            continue
        variant = json.loads(json.dumps(data))
        for path, negate in zip(paths, chosen, strict=False):
            if negate:
                node = variant
                for key in path[:-1]:
                    node = node[key]
                node[path[-1]] = -0.0
        yield variant


@dataclass(frozen=True, order=True)
class Boundary:
    """Where a later epoch starts: after ``after_seq``, at ``entries``, from ``genesis``."""

    after_seq: int
    entries: int
    genesis: str


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

    def __init__(
        self, prev: str = GENESIS, entries: int = 0, epochs: Iterable[Boundary] = ()
    ) -> None:
        self.prev = prev
        self.entries = entries
        self.broken: Break | None = None
        self.epochs = sorted(epochs)

    def _enter_epochs(self, seq: int | None) -> None:
        """Past an epoch's start, the next entry chains on from its genesis."""
        while self.epochs and (seq is None or seq > self.epochs[0].after_seq):
            epoch = self.epochs.pop(0)
            self.prev, self.entries = epoch.genesis, epoch.entries

    def check(self, row: Row) -> bool:
        """Check one entry; False once the chain is broken."""
        if self.broken is not None:
            return False
        self._enter_epochs(row["seq"])
        self.entries += 1
        if row["prev_hash"] != self.prev:
            reason = (
                "its prev_hash does not match the hash of the entry before it"
                " (an entry before it was deleted, inserted or moved)"
            )
        elif not hash_matches(self.prev, row):
            reason = "its contents do not match its hash (the entry was edited)"
        else:
            self.prev = row["hash"]
            return True
        self.broken = Break(row["seq"], row["event_id"], reason)
        return False

    def finish(self, head: Row | None) -> Verdict:
        """Compare the end of the walk with the recorded chain head (catches truncation)."""
        if self.broken is None:
            self._enter_epochs(None)
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


async def verify_stream(
    rows: AsyncIterator[Row], head: Row | None, checker: ChainChecker | None = None
) -> Verdict:
    """Like ``verify_rows`` for rows streamed from a database cursor (from a known point)."""
    checker = checker or ChainChecker()
    async for row in rows:
        if not checker.check(row):
            break
    return checker.finish(head)
