"""Signed checkpoints of the audit trail: the chain head, signed (Ed25519) and put on Kafka.

Every ``checkpoint_every_entries`` entries or ``checkpoint_every_seconds`` the service checks
the entries since the last checkpoint, signs the head and publishes it to
``ssp.audit.checkpoints``, a topic only reporting writes. Someone who can edit the database
cannot edit what was published, nor sign a forgery without the key.
"""

import base64
import hashlib
import json
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from ssp_contracts import CloudEvent
from ssp_contracts.events.audit import AuditCheckpointSigned

from services.reporting import audit_trail, epochs
from services.reporting.chain import GENESIS, Break, ChainChecker, verify_stream
from services.reporting.signing import AuditSettings, key_id, signed_bytes, signing_key
from services.reporting.views import AUDIT_RUNNER
from services.runtime.projection import Connection

Send = Callable[[CloudEvent], Awaitable[None]]


class CheckpointRefused(Exception):
    """The entries since the last checkpoint do not verify: the head is not signed."""

    def __init__(self, broken: Break) -> None:
        super().__init__(str(broken))
        self.broken = broken


def envelope(checkpoint: AuditCheckpointSigned) -> CloudEvent:
    """The checkpoint as the CloudEvent published on ssp.audit.checkpoints."""
    return CloudEvent(
        id=f"{checkpoint.trail_id}:{checkpoint.number}",
        source="/ssp/reporting",
        type=checkpoint.event_type,
        time=checkpoint.signed_at,
        subject=checkpoint.trail_id,
        actorid="reporting",
        actorrole="service",
        correlationid=str(uuid.uuid4()),
        sequence=checkpoint.number,
        dataschema=checkpoint.dataschema(),
        data=checkpoint.model_dump(mode="json"),
    )


@dataclass(frozen=True)
class Due:
    """Whether a checkpoint is due now, given the newest one."""

    every_entries: int
    every_seconds: float

    def __call__(self, last: dict[str, Any] | None, entries: int, now: datetime) -> bool:
        """Due after enough entries or enough time (also when nothing changed: a heartbeat)."""
        if last is None:
            return True
        signed_at = datetime.fromisoformat(last["signed_at"])
        old = (now - signed_at).total_seconds() >= self.every_seconds
        return old or entries - int(last["entries"]) >= self.every_entries


async def checkpoint(
    conn: Connection,
    settings: AuditSettings,
    send: Send,
    *,
    bootstrap: str | None = None,
    force: bool = False,
) -> AuditCheckpointSigned | None:
    """Sign and publish the head if a checkpoint is due; None if not; CheckpointRefused.

    With ``bootstrap``, the entries since the last checkpoint are also compared with their
    events on Kafka first, so a truncated tail under a rebuilt head is never signed.
    """
    async with conn.transaction(isolation="repeatable_read"):
        await conn.execute("SELECT pg_advisory_xact_lock(hashtext('audit_checkpoint'))")
        row = await conn.fetchrow("SELECT body FROM audit_checkpoints ORDER BY number DESC LIMIT 1")
        last = json.loads(row["body"]) if row is not None else None
        head = await audit_trail.recorded_head_row(conn)
        entries = head["entries"] if head is not None else 0
        now = datetime.now(UTC)
        due = Due(settings.checkpoint_every_entries, settings.checkpoint_every_seconds)
        if not force and not due(last, entries, now):
            return None
        trail_epochs = await epochs.load(conn)
        epoch = trail_epochs[-1]
        await _verify_since(conn, last, head, trail_epochs)
        if bootstrap is not None and last is not None and last["epoch"] == epoch.epoch:
            await _compare_since(conn, bootstrap, last)
        key = signing_key(settings)
        unsigned = {
            "trail_id": epoch.trail_id,
            "epoch": epoch.epoch,
            "epoch_start": _epoch_start(epoch),
            "number": (last["number"] + 1) if last else 1,
            "entries": entries,
            "last_seq": head["last_seq"] if head is not None else 0,
            "head_hash": head["hash"] if head is not None else GENESIS,
            "previous": _digest(last) if last else None,
            "positions": await positions(conn),
            "signed_at": now.isoformat(),
            "key_id": key_id(key.public_key()),
            "signature": "A" * 86 + "==",
        }
        draft = AuditCheckpointSigned.model_validate(unsigned)
        signature = base64.b64encode(key.sign(signed_bytes(draft))).decode()
        signed = draft.model_copy(update={"signature": signature})
        await conn.execute(
            "INSERT INTO audit_checkpoints (number, entries, last_seq, signed_at, body)"
            " VALUES ($1, $2, $3, $4, $5::jsonb)",
            signed.number,
            signed.entries,
            signed.last_seq,
            signed.signed_at,
            json.dumps(signed.model_dump(mode="json")),
        )
        # Published before the commit: a checkpoint in the database was always published.
        await send(envelope(signed))
    return signed


def _epoch_start(epoch: epochs.Epoch) -> dict[str, Any] | None:
    if epoch.epoch == 0:
        return None
    return {
        "after_seq": epoch.after_seq,
        "entries": epoch.entries,
        "previous_hash": epoch.previous_hash,
        "recorded_head": epoch.recorded_head,
        "started_at": epoch.started_at.isoformat(),
        "genesis": epoch.genesis,
    }


async def _compare_since(conn: Connection, bootstrap: str, last: dict[str, Any]) -> None:
    """Every event the trail has read since the last checkpoint is in it, as on Kafka.

    Not across the start of an epoch: a new epoch is declared because the trail is damaged,
    and its damage shows against the old epoch's own checkpoints.
    """
    from services.reporting.anchor import compare_with_kafka

    consumed = {(p["topic"], p["partition"]): p["next_offset"] for p in await positions(conn)}
    previous = AuditCheckpointSigned.model_validate(last)
    broken = await compare_with_kafka(conn, bootstrap, previous, None, None, consumed)
    if broken is not None:
        raise CheckpointRefused(broken)


def _digest(body: dict[str, Any]) -> str:
    return hashlib.sha256(signed_bytes(AuditCheckpointSigned.model_validate(body))).hexdigest()


async def positions(conn: Connection) -> list[dict[str, Any]]:
    """Where the audit runner has read to, per partition (stored with the trail)."""
    if await conn.fetchval("SELECT to_regclass('ssp_consumer_offsets')") is None:
        return []
    rows = await conn.fetch(
        "SELECT topic, partition, next_offset FROM ssp_consumer_offsets WHERE runner = $1"
        " ORDER BY topic, partition",
        AUDIT_RUNNER,
    )
    return [dict(r) for r in rows]


async def _verify_since(
    conn: Connection, last: dict[str, Any] | None, head: Any, trail: list[epochs.Epoch]
) -> None:
    """The entries after the last checkpoint (or epoch start) chain on and end at the head."""
    start, after = ChainChecker(), 0
    if last is not None:
        start, after = ChainChecker(last["head_hash"], last["entries"]), last["last_seq"]
    current = trail[-1]
    if current.epoch > 0 and current.after_seq >= after and current.genesis:
        # What came before a new epoch is judged against its own checkpoints, not re-signed.
        start, after = ChainChecker(current.genesis, current.entries), current.after_seq
    start.epochs = epochs.boundaries(trail, after)
    edited = epochs.edited(trail)
    if edited is not None:
        raise CheckpointRefused(edited)
    rows = audit_trail.stream_entries(conn, after_seq=after, decode=False)
    verdict = await verify_stream(rows, head, start)
    if verdict.broken is not None:
        raise CheckpointRefused(verdict.broken)
