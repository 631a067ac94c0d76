"""Bearer tokens verify only with a published key, for this service, from this issuer, briefly."""

import functools
import threading
import time
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import jwt
import pytest

from services.runtime.tests.token_keys import AUDIENCE, ISSUER, TestIdP
from services.runtime.tokens import TokenVerifier, dev_key_paths, issue_token


@pytest.fixture
def idp(tmp_path: Path) -> TestIdP:
    return TestIdP(tmp_path)


def test_both_keys_of_a_rotation_verify_while_both_are_published(idp: TestIdP) -> None:
    verifier = idp.verifier()
    assert verifier.verify(idp.sign(kid="old"))["sub"] == "auditor-1"
    assert verifier.verify(idp.sign(kid="new"))["sub"] == "auditor-1"


def test_a_key_withdrawn_from_the_jwks_stops_verifying_without_a_restart(idp: TestIdP) -> None:
    verifier = idp.verifier()
    old = idp.sign(kid="old")
    verifier.verify(old)
    idp.publish("new")
    with pytest.raises(jwt.InvalidTokenError, match="unknown key id 'old'"):
        verifier.verify(old)
    verifier.verify(idp.sign(kid="new"))


@pytest.mark.parametrize(
    ("claims", "complaint"),
    [
        ({"aud": "ssp-staffing"}, "Audience"),
        ({"aud": None}, "aud"),
        ({"iss": "https://elsewhere.test"}, "issuer"),
        ({"iss": None}, "iss"),
        ({"jti": None}, "jti"),
        ({"iat": None}, "iat"),
        ({"ttl": 3600}, "lifetime over the cap of 900 s"),
        ({"iat": int(time.time()) - 1000, "ttl": -100}, "expired"),
    ],
)
def test_a_token_breaking_a_registered_claim_rule_is_refused(
    idp: TestIdP, claims: dict[str, object], complaint: str
) -> None:
    with pytest.raises(jwt.InvalidTokenError, match=complaint):
        idp.verifier().verify(idp.sign(**claims))  # type: ignore[arg-type]


def test_a_token_naming_several_audiences_including_this_service_verifies(idp: TestIdP) -> None:
    assert idp.verifier().verify(idp.sign(aud=["ssp-other", AUDIENCE]))["aud"][1] == AUDIENCE


def test_a_revoked_jti_is_refused_from_the_setting_and_from_the_file(
    idp: TestIdP, tmp_path: Path
) -> None:
    listed, filed = idp.sign(jti="jti-listed"), idp.sign(jti="jti-filed")
    revocations = tmp_path / "revoked.txt"
    verifier = idp.verifier(revoked=["jti-listed"], revocation_file=str(revocations))
    with pytest.raises(jwt.InvalidTokenError, match="revoked"):
        verifier.verify(listed)
    verifier.verify(filed)
    revocations.write_text("jti-filed\n")  # read on every check: no restart needed
    with pytest.raises(jwt.InvalidTokenError, match="revoked"):
        verifier.verify(filed)


@pytest.mark.parametrize("alg", ["HS256", "none"])
def test_a_symmetric_or_unsigned_token_is_refused(idp: TestIdP, alg: str) -> None:
    claims = jwt.decode(idp.sign(), options={"verify_signature": False})
    key = "a-shared-secret-anyone-with-the-config-holds" if alg == "HS256" else ""
    token = jwt.encode(claims, key, algorithm=alg, headers={"kid": "new"})
    with pytest.raises(jwt.InvalidTokenError, match="not accepted"):
        idp.verifier().verify(token)


def test_a_token_without_a_key_id_is_refused(idp: TestIdP) -> None:
    claims = jwt.decode(idp.sign(), options={"verify_signature": False})
    token = jwt.encode(claims, idp.keys["new"], algorithm="ES256")
    with pytest.raises(jwt.InvalidTokenError, match="no key id"):
        idp.verifier().verify(token)


def test_the_development_key_is_published_in_the_state_dirs_jwks() -> None:
    token = issue_token(sub="x", role="auditor", audience="ssp-reporting")
    kid = jwt.get_unverified_header(token)["kid"]
    assert kid in dev_key_paths()[1].read_text()
    assert "PRIVATE" not in dev_key_paths()[1].read_text()


def test_the_jwks_can_come_from_the_identity_providers_url(idp: TestIdP) -> None:
    # An OpenID Connect provider publishes its JWKS over HTTP(S); here a local server does.
    handler = functools.partial(SimpleHTTPRequestHandler, directory=str(idp.jwks.parent))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/{idp.jwks.name}"
        verifier = TokenVerifier(url, issuer=ISSUER, audience=AUDIENCE, max_lifetime_seconds=900)
        assert verifier.verify(idp.sign(kid="old"))["sub"] == "auditor-1"
        with pytest.raises(jwt.InvalidTokenError, match="Audience"):
            verifier.verify(idp.sign(aud="ssp-elsewhere"))
    finally:
        server.shutdown()
        server.server_close()
