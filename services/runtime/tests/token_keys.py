"""Signing keys and a JWKS file of a test identity provider (two keys while one rotates)."""

import time
import uuid
from pathlib import Path
from typing import Any

import jwt
from cryptography.hazmat.primitives.asymmetric import ec

from services.runtime.tokens import TokenVerifier, public_jwk, write_jwks

ISSUER, AUDIENCE = "https://idp.test", "ssp-test"


class TestIdP:
    """Two ES256 keys published in one JWKS file, and a signer of tokens with either."""

    __test__ = False

    def __init__(self, directory: Path) -> None:
        self.keys = {kid: ec.generate_private_key(ec.SECP256R1()) for kid in ("old", "new")}
        self.jwks = directory / "jwks.json"
        self.publish(*self.keys)

    def publish(self, *kids: str) -> None:
        """Publish the public keys ``kids`` (and only those) in the JWKS file."""
        write_jwks(self.jwks, [public_jwk(self.keys[k].public_key(), k) for k in kids])

    def verifier(self, **overrides: Any) -> TokenVerifier:
        """A verifier of this IdP's tokens for audience ``ssp-test``."""
        options: dict[str, Any] = {
            "issuer": ISSUER,
            "audience": AUDIENCE,
            "max_lifetime_seconds": 900,
            **overrides,
        }
        return TokenVerifier(str(self.jwks), **options)

    def sign(self, kid: str = "new", ttl: int = 600, **claims: Any) -> str:
        """A token with ``claims`` over sensible registered ones; ``None`` drops a claim."""
        now = int(time.time())
        base = {
            "sub": "auditor-1",
            "role": "auditor",
            "iss": ISSUER,
            "aud": AUDIENCE,
            "iat": now,
            "exp": now + ttl,
            "jti": str(uuid.uuid4()),
        }
        merged = {k: v for k, v in {**base, **claims}.items() if v is not None}
        return jwt.encode(merged, self.keys[kid], algorithm="ES256", headers={"kid": kid})
