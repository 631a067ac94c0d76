"""Events of the audit trail itself: the signed checkpoints of its hash chain."""

from datetime import datetime
from typing import Annotated, ClassVar

from pydantic import BaseModel, ConfigDict, Field

from ssp_contracts.registry import EventPayload, register
from ssp_contracts.topics import AUDIT_CHECKPOINTS_TOPIC

Sha256Hex = Annotated[str, Field(pattern=r"^[0-9a-f]{64}$", max_length=64)]


class TopicPosition(BaseModel):
    """How far into one partition the trail had read when the checkpoint was signed."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    topic: str = Field(pattern=r"^[a-z0-9_.-]{1,200}$", max_length=200, description="Topic")
    partition: int = Field(ge=0, le=100000, description="Partition")
    next_offset: int = Field(ge=0, description="Next offset the trail reads on it")


class EpochStart(BaseModel):
    """Where the checkpoint's epoch began: the previous epoch's end as it was found."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    after_seq: int = Field(ge=0, description="seq of the newest entry when the epoch began")
    entries: int = Field(ge=0, description="Entries in the trail when the epoch began")
    previous_hash: Sha256Hex | None = Field(
        default=None, description="Hash of that newest entry (the old head as found)"
    )
    recorded_head: Sha256Hex | None = Field(
        default=None, description="The head recorded then, if any (it may have been deleted)"
    )
    started_at: datetime = Field(description="When the epoch began")
    genesis: Sha256Hex = Field(description="Hash the epoch's first entry chains on from")


@register
class AuditCheckpointSigned(EventPayload):
    """The reporting service signed the head of its audit trail (no personal data: hashes only).

    The signature (Ed25519) covers the canonical encoding of every other field.
    """

    event_type: ClassVar[str] = "uk.police.ssp.reporting.audit_checkpoint_signed.v1"
    topic: ClassVar[str] = AUDIT_CHECKPOINTS_TOPIC.name

    trail_id: str = Field(
        pattern=r"^[0-9a-f-]{36}$", max_length=36, description="UUID of the trail (its database)"
    )
    epoch: int = Field(ge=0, description="Epoch of the trail; a rebuilt trail starts a new one")
    number: int = Field(ge=1, description="Checkpoint number within the trail, from 1")
    entries: int = Field(ge=0, description="Entries in the trail at the head")
    last_seq: int = Field(ge=0, description="seq of the newest entry (0 if none)")
    head_hash: Sha256Hex = Field(description="Hash of the newest entry (the chain head)")
    previous: Sha256Hex | None = Field(
        default=None, description="SHA-256 of the previous checkpoint's signed bytes"
    )
    epoch_start: EpochStart | None = Field(
        default=None, description="For epochs after the first: where and how the epoch began"
    )
    positions: list[TopicPosition] = Field(
        default_factory=list, max_length=1000, description="Where the trail had read to"
    )
    signed_at: datetime = Field(description="When the checkpoint was signed")
    key_id: str = Field(
        pattern=r"^[0-9a-f]{16}$", max_length=16, description="First 16 hex of SHA-256(public key)"
    )
    signature: str = Field(
        pattern=r"^[A-Za-z0-9+/]{86}==$", max_length=88, description="Ed25519 signature, base64"
    )
