"""Signed checkpoints of the audit trail: the chain head, signed (Ed25519) and put on Kafka.

Every ``checkpoint_every_entries`` entries or ``checkpoint_every_seconds`` the service checks
the entries since the last checkpoint, signs the head and publishes it to
``ssp.audit.checkpoints``, a topic only reporting writes. Someone who can edit the database
cannot edit what was published, nor sign a forgery without the key.
"""

import base64
import hashlib
import json
import os
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from pydantic_settings import BaseSettings, SettingsConfigDict
from ssp_contracts import CloudEvent
from ssp_contracts.events.audit import AuditCheckpointSigned

from services.reporting import audit_trail, epochs
from services.reporting.canonical import canonical_bytes
from services.reporting.chain import GENESIS, Break, ChainChecker, verify_stream
from services.reporting.views import AUDIT_RUNNER
from services.runtime.keys import dev_secret
from services.runtime.projection import Connection

Send = Callable[[CloudEvent], Awaitable[None]]


class AuditSettings(BaseSettings):
    """Checkpoint knobs and keys, from SSP_REPORTING_AUDIT_* variables."""

    model_config = SettingsConfigDict(env_prefix="SSP_REPORTING_AUDIT_", extra="ignore")

    signing_key: str = ""  # base64 of the 32-byte Ed25519 private key; required in production
    verify_keys: str = ""  # more trusted public keys (base64, comma-separated), e.g. rotated ones
    checkpoint_every_entries: int = 1000
    checkpoint_every_seconds: float = 300.0
    checkpoint_poll_seconds: float = 5.0


class CheckpointRefused(Exception):
    """The entries since the last checkpoint do not verify: the head is not signed."""

    def __init__(self, broken: Break) -> None:
        super().__init__(str(broken))
        self.broken = broken


def signing_key(settings: AuditSettings) -> Ed25519PrivateKey:
    """The configured key; outside production a development key kept in the state dir."""
    configured = settings.signing_key
    if not configured:
        if os.environ.get("SSP_ENV", "") == "production":
            raise RuntimeError("SSP_REPORTING_AUDIT_SIGNING_KEY must be set in production")
        configured = dev_secret("reporting.audit.ed25519")
    return Ed25519PrivateKey.from_private_bytes(base64.b64decode(configured))


def raw_public(key: Ed25519PublicKey) -> bytes:
    """The 32 raw bytes of a public key."""
    return key.public_bytes(Encoding.Raw, PublicFormat.Raw)


def key_id(key: Ed25519PublicKey) -> str:
    """First 16 hex digits of the SHA-256 of the raw public key."""
    return hashlib.sha256(raw_public(key)).hexdigest()[:16]


def trusted_keys(settings: AuditSettings) -> dict[str, Ed25519PublicKey]:
    """Public keys whose checkpoints are believed, by key id: our own and any configured."""
    keys = [signing_key(settings).public_key()]
    for text in filter(None, (k.strip() for k in settings.verify_keys.split(","))):
        keys.append(Ed25519PublicKey.from_public_bytes(base64.b64decode(text)))
    return {key_id(k): k for k in keys}


def signed_bytes(checkpoint: AuditCheckpointSigned) -> bytes:
    """What the signature covers: every other field, canonically encoded."""
    return canonical_bytes(checkpoint.model_dump(mode="json", exclude={"signature"}))


def signature_holds(checkpoint: AuditCheckpointSigned, keys: dict[str, Ed25519PublicKey]) -> bool:
    """Whether a trusted key signed exactly this checkpoint."""
    key = keys.get(checkpoint.key_id)
    if key is None:
        return False
    try:
        key.verify(base64.b64decode(checkpoint.signature), signed_bytes(checkpoint))
    except Exception:
        return False
    return True


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
