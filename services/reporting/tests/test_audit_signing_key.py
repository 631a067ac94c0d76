"""The checkpoint signing key: from settings; a development key only outside production."""

import base64

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import (
    Encoding,
    NoEncryption,
    PrivateFormat,
    PublicFormat,
)

from services.reporting.signing import AuditSettings, key_id, signing_key, trusted_keys


def test_the_configured_key_signs(monkeypatch: pytest.MonkeyPatch) -> None:
    key = Ed25519PrivateKey.generate()
    raw = key.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())
    monkeypatch.setenv("SSP_REPORTING_AUDIT_SIGNING_KEY", base64.b64encode(raw).decode())
    assert key_id(signing_key(AuditSettings()).public_key()) == key_id(key.public_key())


def test_production_refuses_to_start_without_a_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SSP_ENV", "production")
    monkeypatch.delenv("SSP_REPORTING_AUDIT_SIGNING_KEY", raising=False)
    with pytest.raises(RuntimeError, match="SSP_REPORTING_AUDIT_SIGNING_KEY"):
        signing_key(AuditSettings())


def test_a_rotated_key_stays_trusted_for_the_checkpoints_it_signed(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    old = Ed25519PrivateKey.generate().public_key()
    raw = old.public_bytes(Encoding.Raw, PublicFormat.Raw)
    monkeypatch.setenv("SSP_REPORTING_AUDIT_VERIFY_KEYS", base64.b64encode(raw).decode())
    assert key_id(old) in trusted_keys(AuditSettings())
