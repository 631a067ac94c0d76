"""With SSP_ENV=production a service refuses to start without its real secrets."""

import base64
import os
import subprocess
import sys
from pathlib import Path

import pytest

from services.cli.main import main
from services.runtime.keys import cipher_key
from services.runtime.production import ProductionRefusal
from services.runtime.tokens import dev_signing_key

GOOD = {
    "SSP_ENV": "production",
    "SSP_INCIDENTS_CIPHER_KEY": base64.b64encode(b"k" * 32).decode(),
    "SSP_INCIDENTS_PSEUDONYM_KEY": base64.b64encode(b"p" * 32).decode(),
    "SSP_INCIDENTS_SUBJECT_MASTER_KEYS": "k1:" + base64.b64encode(b"m" * 32).decode(),
    "SSP_JWT_JWKS": "https://idp.example.police.uk/.well-known/jwks.json",
    "SSP_KAFKA_INCIDENTS_PASSWORD": "a-kafka-password-long-enough",
    "SSP_INCIDENTS_PG_PASSWORD": "a-database-password-long-enough",
}
REFUSALS = {
    "no cipher key": ({"SSP_INCIDENTS_CIPHER_KEY": ""}, "SSP_INCIDENTS_CIPHER_KEY is missing"),
    "no pseudonym key": (
        {"SSP_INCIDENTS_PSEUDONYM_KEY": ""},
        "SSP_INCIDENTS_PSEUDONYM_KEY is missing",
    ),
    "no subject master keys": (
        {"SSP_INCIDENTS_SUBJECT_MASTER_KEYS": ""},
        "SSP_INCIDENTS_SUBJECT_MASTER_KEYS is missing",
    ),
    "a short subject master key": (
        {"SSP_INCIDENTS_SUBJECT_MASTER_KEYS": "k1:" + base64.b64encode(b"m" * 16).decode()},
        "master key k1 is 16 bytes, needs 32",
    ),
    "a short cipher key": (
        {"SSP_INCIDENTS_CIPHER_KEY": base64.b64encode(b"k" * 16).decode()},
        "SSP_INCIDENTS_CIPHER_KEY is 16 bytes, needs 32",
    ),
    "a cipher key not base64": ({"SSP_INCIDENTS_CIPHER_KEY": "not base64!"}, "not base64"),
    "no JWKS": ({"SSP_JWT_JWKS": ""}, "SSP_JWT_JWKS"),
    "a JWKS over plain http": ({"SSP_JWT_JWKS": "http://idp/jwks"}, "https URL"),
    "no Kafka password": (
        {"SSP_KAFKA_INCIDENTS_PASSWORD": ""},
        "SSP_KAFKA_INCIDENTS_PASSWORD is missing",
    ),
    "a short Kafka password": (
        {"SSP_KAFKA_INCIDENTS_PASSWORD": "short"},
        "SSP_KAFKA_INCIDENTS_PASSWORD is shorter",
    ),
    "no database password": (
        {"SSP_INCIDENTS_PG_PASSWORD": "", "SSP_PG_PASSWORD": ""},
        "SSP_INCIDENTS_PG_PASSWORD) is missing",
    ),
    "a short database password": (
        {"SSP_INCIDENTS_PG_PASSWORD": "ssp"},
        "SSP_INCIDENTS_PG_PASSWORD) is shorter than 16",
    ),
}


@pytest.fixture
def production(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """Production settings with every secret present, and an empty state directory."""
    for name, value in GOOD.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("SSP_STATE_DIR", str(tmp_path))
    return tmp_path


@pytest.mark.parametrize("kind", REFUSALS)
def test_a_missing_or_short_secret_stops_the_start_with_one_line(
    production: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    kind: str,
) -> None:
    change, complaint = REFUSALS[kind]
    for name, value in change.items():
        monkeypatch.setenv(name, value)
    assert main(["serve", "incidents"]) == 3
    err = capsys.readouterr().err
    assert err.startswith("ssp serve: SSP_ENV=production: incidents will not start: ")
    assert complaint in err
    assert err.count("\n") == 1
    assert not any(production.iterdir()), "nothing may be generated in production"


def test_no_development_key_is_ever_generated_in_production(production: Path) -> None:
    with pytest.raises(ProductionRefusal, match="token signing key"):
        dev_signing_key()
    with pytest.raises(ProductionRefusal, match=r"incidents\.aes"):
        cipher_key("incidents", "")
    assert not any(production.iterdir())


def test_ssp_token_refuses_to_run_in_production(
    production: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["token", "--role", "auditor", "--sub", "a-1", "--audience", "reporting"]
    assert main(argv) == 2
    assert "refuses to run with SSP_ENV=production" in capsys.readouterr().err
    assert not any(production.iterdir())


def test_the_real_process_exits_non_zero_naming_what_is_missing(tmp_path: Path) -> None:
    env = {**os.environ, **GOOD, "SSP_STATE_DIR": str(tmp_path), "SSP_JWT_JWKS": ""}
    done = subprocess.run(
        [sys.executable, "-m", "services.cli.main", "serve", "disclosure"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 3
    [line] = done.stderr.splitlines()
    assert "SSP_DISCLOSURE_CIPHER_KEY is missing" in line and "SSP_JWT_JWKS" in line
