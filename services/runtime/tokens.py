"""Bearer tokens: ES256 signatures checked by PyJWT against a JWKS, as an OpenID Connect
provider publishes it (key ids, two keys valid at once while one rotates out).

A service accepts a token only if its signature verifies with a key of the JWKS named by the
token's ``kid``, its issuer is the configured one, its audience names the service, its lifetime
(``exp - iat``) is within the cap, and its ``jti`` is not revoked. The development signing key
(and the JWKS beside it) is generated into the state directory on first use, never in
production.
"""

import hashlib
import json
import os
import threading
import time
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from jwt.algorithms import ECAlgorithm

from services.runtime.production import refuse_development_key
from services.runtime.scope import ROLES
from services.runtime.settings import state_dir
from services.runtime.token_cache import VerifiedTokens

ALGORITHM = "ES256"
# Asymmetric only: an HS256 token (signed with a shared secret) or "none" never verifies.
ACCEPTED_ALGORITHMS = ("ES256", "RS256")
DEFAULT_ISSUER = "ssp-dev"
SERVICES = ("incidents", "disclosure", "staffing", "reporting")
REQUIRED = ["sub", "exp", "iat", "iss", "aud", "jti"]


def audience_of(service: str) -> str:
    """The audience a service's tokens must name."""
    return f"ssp-{service}"


def dev_key_paths() -> tuple[Path, Path]:
    """(private signing key, public JWKS) of the development identity provider."""
    keys = state_dir() / "keys"
    return keys / "jwt-signing.pem", keys / "jwks.json"


def dev_signing_key() -> tuple[ec.EllipticCurvePrivateKey, str]:
    """The development signing key and its key id, generated with its JWKS on first use."""
    pem_path, jwks_path = dev_key_paths()
    if not pem_path.exists():
        refuse_development_key("a token signing key")
        pem_path.parent.mkdir(parents=True, exist_ok=True)
        key = ec.generate_private_key(ec.SECP256R1())
        pem = key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        tmp = pem_path.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_bytes(pem)
        tmp.chmod(0o600)
        # Another process may have won the race; keep whichever landed first.
        if pem_path.exists():
            tmp.unlink()
        else:
            tmp.replace(pem_path)
    loaded = serialization.load_pem_private_key(pem_path.read_bytes(), password=None)
    assert isinstance(loaded, ec.EllipticCurvePrivateKey)
    jwk = public_jwk(loaded.public_key())
    published = json.loads(jwks_path.read_text())["keys"] if jwks_path.exists() else []
    if jwk["kid"] not in {k.get("kid") for k in published}:
        write_jwks(jwks_path, [*published, jwk])
    return loaded, jwk["kid"]


def public_jwk(public: ec.EllipticCurvePublicKey, kid: str | None = None) -> dict[str, Any]:
    """The JWK of a public key, with its id (RFC 7638 thumbprint unless given) and use."""
    jwk: dict[str, Any] = json.loads(ECAlgorithm.to_jwk(public))
    members = {k: jwk[k] for k in ("crv", "kty", "x", "y")}
    canonical = json.dumps(members, separators=(",", ":"), sort_keys=True).encode()
    thumb = hashlib.sha256(canonical).hexdigest()[:16]
    return {**jwk, "kid": kid or thumb, "use": "sig", "alg": ALGORITHM}


def write_jwks(path: Path, jwks: Iterable[dict[str, Any]]) -> None:
    """Write a JWKS document atomically."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(f".{os.getpid()}.tmp")
    tmp.write_text(json.dumps({"keys": list(jwks)}, indent=2))
    tmp.replace(path)


def issue_token(
    *,
    sub: str,
    role: str,
    audience: str | list[str],
    school: str | None = None,
    borough: str | None = None,
    ttl_seconds: int = 900,
    issuer: str | None = None,
    extra: dict[str, Any] | None = None,
) -> str:
    """A development token signed with the development key (tests, demo, ``ssp token``)."""
    if role not in ROLES:
        raise ValueError(f"role must be one of {', '.join(ROLES)}")
    key, kid = dev_signing_key()
    now = int(time.time())
    claims: dict[str, Any] = {
        "sub": sub,
        "role": role,
        "iss": issuer or os.environ.get("SSP_JWT_ISSUER", DEFAULT_ISSUER),
        "aud": audience,
        "iat": now,
        "exp": now + ttl_seconds,
        "jti": str(uuid.uuid4()),
    }
    if school:
        claims["school"] = school
    if borough:
        claims["borough"] = borough
    claims.update(extra or {})
    return jwt.encode(claims, key, algorithm=ALGORITHM, headers={"kid": kid})


@dataclass
class _Keys:
    """The verification keys of a JWKS file, re-read when the file changes (rotation)."""

    path: Path
    stamp: tuple[int, int] = (0, 0)
    keys: dict[str, jwt.PyJWK] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def get(self, kid: str) -> jwt.PyJWK | None:
        stat = self.path.stat()
        with self.lock:
            if (stat.st_mtime_ns, stat.st_size) != self.stamp:
                jwks = jwt.PyJWKSet.from_json(self.path.read_text())
                self.keys = {k.key_id: k for k in jwks.keys if k.key_id}
                self.stamp = (stat.st_mtime_ns, stat.st_size)
            return self.keys.get(kid)


class TokenVerifier:
    """Checks a bearer token's signature and registered claims for one service."""

    def __init__(
        self,
        jwks: str,
        *,
        issuer: str,
        audience: str,
        max_lifetime_seconds: int,
        revoked: Iterable[str] = (),
        revocation_file: str = "",
    ) -> None:
        self.issuer, self.audience, self.max_lifetime = issuer, audience, max_lifetime_seconds
        self.revoked = frozenset(j.strip() for j in revoked if j.strip())
        self.revocation_file = Path(revocation_file) if revocation_file else None
        if jwks.startswith(("https://", "http://")):
            self._client: jwt.PyJWKClient | None = jwt.PyJWKClient(jwks, lifespan=300)
            self._file: _Keys | None = None
        else:
            self._client, self._file = None, _Keys(Path(jwks))
        self._verified = VerifiedTokens()

    def _key(self, token: str, kid: str) -> jwt.PyJWK:
        if self._client is not None:
            try:
                return self._client.get_signing_key_from_jwt(token)
            except jwt.PyJWKClientError as exc:
                raise jwt.InvalidTokenError(f"no key for kid {kid!r}: {exc}") from exc
        assert self._file is not None
        try:
            key = self._file.get(kid)
        except (OSError, jwt.PyJWKSetError) as exc:
            raise jwt.InvalidTokenError(f"JWKS unreadable: {exc}") from exc
        if key is None:
            raise jwt.InvalidTokenError(f"unknown key id {kid!r}")
        return key

    def _revoked(self, jti: str) -> bool:
        if jti in self.revoked:
            return True
        if self.revocation_file is None or not self.revocation_file.exists():
            return False
        return jti in {line.strip() for line in self.revocation_file.read_text().splitlines()}

    def verify(self, token: str) -> dict[str, Any]:
        """The claims of a valid token; raises jwt.InvalidTokenError otherwise."""
        hit = self._verified.get(token, time.time())
        if hit is not None:
            # The same text verified before: its signature and claims hold; what may have
            # changed since is checked again (expiry above, the key's withdrawal, revocation).
            claims, kid = hit
            self._key(token, kid)
            if self._revoked(claims["jti"]):
                raise jwt.InvalidTokenError("token revoked or without a usable jti")
            return dict(claims)
        claims, kid = self._verify(token)
        self._verified.put(token, claims, kid)
        return dict(claims)

    def _verify(self, token: str) -> tuple[dict[str, Any], str]:
        header = jwt.get_unverified_header(token)
        if header.get("alg") not in ACCEPTED_ALGORITHMS:
            raise jwt.InvalidTokenError(f"algorithm {header.get('alg')!r} is not accepted")
        kid = header.get("kid")
        if not isinstance(kid, str) or not kid:
            raise jwt.InvalidTokenError("token header has no key id (kid)")
        claims: dict[str, Any] = jwt.decode(
            token,
            self._key(token, kid),
            algorithms=list(ACCEPTED_ALGORITHMS),
            audience=self.audience,
            issuer=self.issuer,
            options={"require": REQUIRED},
        )
        iat, exp = claims["iat"], claims["exp"]
        if not isinstance(iat, int | float) or exp - iat > self.max_lifetime:
            raise jwt.InvalidTokenError(f"lifetime over the cap of {self.max_lifetime} s")
        jti = claims["jti"]
        if not isinstance(jti, str) or not jti or self._revoked(jti):
            raise jwt.InvalidTokenError("token revoked or without a usable jti")
        if not isinstance(claims["exp"], int | float):
            raise jwt.InvalidTokenError("claim exp must be a number")
        return claims, kid


def verifier_for(settings: Any) -> TokenVerifier:
    """The verifier of ``settings``' service: its JWKS, issuer, audience, cap, revocations."""
    jwks = settings.jwt_jwks
    if not jwks:
        dev_signing_key()  # refuses in production; makes the dev JWKS on a fresh clone
        jwks = str(dev_key_paths()[1])
    return TokenVerifier(
        jwks,
        issuer=settings.jwt_issuer,
        audience=settings.jwt_audience or audience_of(settings.service),
        max_lifetime_seconds=settings.jwt_max_lifetime_seconds,
        revoked=settings.jwt_revoked_jtis.split(","),
        revocation_file=settings.jwt_revocation_list,
    )
