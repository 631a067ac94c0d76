"""Keys and signatures of the audit checkpoints (Ed25519, the ``cryptography`` library)."""

import base64
import hashlib
import os

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from pydantic_settings import BaseSettings, SettingsConfigDict
from ssp_contracts.events.audit import AuditCheckpointSigned

from services.reporting.canonical import canonical_bytes
from services.runtime.keys import dev_secret


class AuditSettings(BaseSettings):
    """Checkpoint knobs and keys, from SSP_REPORTING_AUDIT_* variables."""

    model_config = SettingsConfigDict(env_prefix="SSP_REPORTING_AUDIT_", extra="ignore")

    signing_key: str = ""  # base64 of the 32-byte Ed25519 private key; required in production
    verify_keys: str = ""  # more trusted public keys (base64, comma-separated), e.g. rotated ones
    checkpoint_every_entries: int = 1000
    checkpoint_every_seconds: float = 300.0
    checkpoint_poll_seconds: float = 5.0


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
