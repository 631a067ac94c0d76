"""Epochs of the audit trail: a trail that must be restarted goes on in a new, signed epoch.

Nothing is ever deleted or rewritten. When the trail halts (its head is gone, or its end no
longer matches the head), an operator starts a new epoch: a record that names the old head as
it was found and the last recorded head, and whose hash (the epoch's genesis) the next entry
chains on from. ``ssp audit new-epoch`` signs and publishes it as a checkpoint at once, so the
break stays visible to every verifier: the old epoch is still checked against its own
checkpoints and the events on Kafka.
"""

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime

from services.reporting.canonical import canonical_bytes
from services.reporting.chain import Boundary, Break
from services.runtime.projection import Connection


@dataclass(frozen=True)
class Epoch:
    """One epoch: where it starts (after ``after_seq``, at ``entries``) and what it names."""

    epoch: int
    trail_id: str
    after_seq: int
    entries: int
    previous_hash: str | None
    recorded_head: str | None
    started_at: datetime
    genesis: str | None

    def expected_genesis(self) -> str:
        """The hash the epoch's first entry chains on: over everything the record names."""
        record = {
            "trail_id": self.trail_id,
            "epoch": self.epoch,
            "after_seq": self.after_seq,
            "entries": self.entries,
            "previous_hash": self.previous_hash,
            "recorded_head": self.recorded_head,
            "started_at": self.started_at.astimezone(UTC).isoformat(),
        }
        return hashlib.sha256(b"ssp-audit-epoch:" + canonical_bytes(record)).hexdigest()


async def load(conn: Connection) -> list[Epoch]:
    """Every epoch of the trail, oldest first."""
    rows = await conn.fetch(
        "SELECT epoch, trail_id::text, after_seq, entries, previous_hash, recorded_head,"
        " started_at, genesis FROM audit_epochs ORDER BY epoch"
    )
    return [Epoch(**dict(r)) for r in rows]


def boundaries(epochs: list[Epoch], after_seq: int = 0) -> list[Boundary]:
    """The starts of the epochs after the first that a walk from ``after_seq`` passes."""
    return [
        Boundary(e.after_seq, e.entries, e.genesis or "")
        for e in epochs
        if e.epoch > 0 and e.after_seq >= after_seq
    ]


def edited(epochs: list[Epoch]) -> Break | None:
    """An epoch record whose genesis no longer matches what it names."""
    for e in epochs:
        if e.epoch > 0 and e.genesis != e.expected_genesis():
            return Break(None, None, f"the record of epoch {e.epoch} was edited")
    return None


async def start(conn: Connection) -> Epoch:
    """Append a new epoch naming the trail's end as found; its genesis becomes the head."""
    await conn.execute("SELECT pg_advisory_xact_lock(hashtext('audit_trail'))")
    last = await conn.fetchrow("SELECT seq, hash FROM audit_trail ORDER BY seq DESC LIMIT 1")
    head = await conn.fetchrow("SELECT hash FROM audit_chain_head ORDER BY id DESC LIMIT 1")
    current = (await load(conn))[-1]
    epoch = Epoch(
        epoch=current.epoch + 1,
        trail_id=current.trail_id,
        after_seq=last["seq"] if last else 0,
        entries=await conn.fetchval("SELECT count(*) FROM audit_trail"),
        previous_hash=last["hash"] if last else None,
        recorded_head=head["hash"] if head else None,
        started_at=datetime.now(UTC).replace(microsecond=0),
        genesis=None,
    )
    genesis = epoch.expected_genesis()
    await conn.execute(
        "INSERT INTO audit_epochs (epoch, trail_id, after_seq, entries, previous_hash,"
        " recorded_head, started_at, genesis) VALUES ($1, $2::uuid, $3, $4, $5, $6, $7, $8)",
        epoch.epoch,
        epoch.trail_id,
        epoch.after_seq,
        epoch.entries,
        epoch.previous_hash,
        epoch.recorded_head,
        epoch.started_at,
        genesis,
    )
    # The head the projection goes on from: the genesis, after the newest entry as found.
    await conn.execute(
        "INSERT INTO audit_chain_head (entries, last_seq, hash) VALUES ($1, $2, $3)",
        epoch.entries,
        epoch.after_seq,
        genesis,
    )
    return Epoch(**{**epoch.__dict__, "genesis": genesis})
