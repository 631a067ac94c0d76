"""A token verified once is not verified again, and the cache never lets through a token that
verification would refuse."""

import base64
import time
from datetime import datetime, tzinfo
from pathlib import Path

import jwt
import pytest

from services.runtime import tokens
from services.runtime.tests.token_keys import TestIdP
from services.runtime.token_cache import VerifiedTokens


@pytest.fixture
def idp(tmp_path: Path) -> TestIdP:
    return TestIdP(tmp_path)


@pytest.fixture
def decodes(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every full verification (PyJWT's decode) made from here on."""
    made: list[str] = []
    decode = tokens.jwt.decode

    def counting(token: str, *args: object, **kwargs: object) -> object:
        made.append(token)
        return decode(token, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(tokens.jwt, "decode", counting)
    return made


def _forged(token: str) -> str:
    """The token with another valid-looking signature."""
    head, body, signature = token.split(".")
    raw = bytearray(base64.urlsafe_b64decode(signature + "=" * (-len(signature) % 4)))
    raw[5] ^= 0xFF
    return f"{head}.{body}.{base64.urlsafe_b64encode(bytes(raw)).rstrip(b'=').decode()}"


def test_a_token_is_verified_once_for_its_lifetime(idp: TestIdP, decodes: list[str]) -> None:
    verifier = idp.verifier()
    token = idp.sign()
    for _ in range(3):
        assert verifier.verify(token)["sub"] == "auditor-1"
    assert decodes == [token]


def test_after_a_good_token_is_cached_bad_ones_are_still_refused(idp: TestIdP) -> None:
    # Given a good token, verified and cached
    verifier = idp.verifier()
    good = idp.sign(jti="jti-good")
    verifier.verify(good)

    # Then a token that differs from it in signature, audience or expiry is refused
    with pytest.raises(jwt.InvalidSignatureError):
        verifier.verify(_forged(good))
    with pytest.raises(jwt.InvalidAudienceError):
        verifier.verify(idp.sign(jti="jti-good", aud="ssp-staffing"))
    with pytest.raises(jwt.ExpiredSignatureError):
        verifier.verify(idp.sign(jti="jti-good", iat=int(time.time()) - 1000, ttl=-100))
    # And the good one still verifies
    assert verifier.verify(good)["jti"] == "jti-good"


def test_a_cached_token_is_refused_once_it_expires(
    idp: TestIdP, monkeypatch: pytest.MonkeyPatch
) -> None:
    verifier = idp.verifier()
    token = idp.sign(ttl=60)
    verifier.verify(token)
    # When the clock passes its expiry (the cache's and PyJWT's)
    later = time.time() + 61

    class Later(datetime):
        @classmethod
        def now(cls, tz: tzinfo | None = None) -> "Later":
            return cls.fromtimestamp(later, tz)

    monkeypatch.setattr(tokens.time, "time", lambda: later)
    monkeypatch.setattr(jwt.api_jwt, "datetime", Later)
    with pytest.raises(jwt.ExpiredSignatureError):
        verifier.verify(token)


def test_a_cached_token_is_refused_once_revoked_or_its_key_withdrawn(
    idp: TestIdP, tmp_path: Path
) -> None:
    revocations = tmp_path / "revoked.txt"
    verifier = idp.verifier(revocation_file=str(revocations))
    revoked, old_key = idp.sign(jti="jti-revoked"), idp.sign(kid="old")
    verifier.verify(revoked)
    verifier.verify(old_key)

    revocations.write_text("jti-revoked\n")
    with pytest.raises(jwt.InvalidTokenError, match="revoked"):
        verifier.verify(revoked)
    idp.publish("new")
    with pytest.raises(jwt.InvalidTokenError, match="unknown key id 'old'"):
        verifier.verify(old_key)


def test_the_cache_is_bounded() -> None:
    cache = VerifiedTokens(size=2)
    far = time.time() + 600
    for n in range(3):
        cache.put(f"t{n}", {"exp": far}, "kid")
    assert cache.get("t0", time.time()) is None
    assert cache.get("t2", time.time()) is not None
