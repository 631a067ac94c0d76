"""Production mode: a service refuses to start without its real secrets (SSP_ENV=production).

In development a missing key falls back to one generated into the state directory; in
production that would give each pod its own event-store key (data unreadable after a restart)
and let anyone with the image mint tokens, so every such fallback refuses instead.
"""

import base64
import binascii
import os
from typing import Any

# Shortest acceptable secrets: a database or Kafka password, and the AES key in bytes.
MIN_PASSWORD_CHARS = 16
MIN_CIPHER_KEY_BYTES = 32
# Services that keep an encrypted event store (reporting only reads Kafka).
STORES = frozenset({"incidents", "disclosure", "staffing", "selftest"})
# The services that seal data subjects' details under per-subject keys (runtime/subjects.py).
SUBJECT_HOLDERS = frozenset({"incidents", "disclosure"})


class ProductionRefusal(RuntimeError):
    """A secret production needs is missing or too weak; the message is one line."""


def load_secret_files() -> None:
    """Set each unset ``NAME`` from the file ``NAME_FILE`` names (Compose and Kubernetes
    mount secrets as files; the official PostgreSQL image reads them the same way)."""
    for name, path in list(os.environ.items()):
        if name.startswith("SSP_") and name.endswith("_FILE") and path:
            target = name.removesuffix("_FILE")
            if not os.environ.get(target):
                with open(path) as f:
                    os.environ[target] = f.read().strip()


def is_production() -> bool:
    """Whether this process runs with SSP_ENV=production."""
    return os.environ.get("SSP_ENV", "development").strip().lower() == "production"


def refuse_development_key(what: str) -> None:
    """Raise instead of generating a development ``what`` in production."""
    if is_production():
        raise ProductionRefusal(
            f"SSP_ENV=production: {what} is not configured and no development key is made here"
        )


def _cipher_key_problem(value: str) -> str | None:
    if not value:
        return "is missing"
    try:
        raw = base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        return "is not base64"
    if len(raw) < MIN_CIPHER_KEY_BYTES:
        return f"is {len(raw)} bytes, needs {MIN_CIPHER_KEY_BYTES}"
    return None


def _password_problem(value: str) -> str | None:
    if not value:
        return "is missing"
    if len(value) < MIN_PASSWORD_CHARS:
        return f"is shorter than {MIN_PASSWORD_CHARS} characters"
    return None


def _keyring_problem(value: str) -> str | None:
    from services.runtime.masterkeys import Keyring, KeyringError

    if not value:
        return "is missing"
    try:
        Keyring.parse(value)
    except KeyringError as exc:
        return str(exc)
    return None


def problems(settings: Any) -> list[str]:
    """What a production start of ``settings``' service lacks, one phrase per setting."""
    prefix = f"SSP_{settings.service.upper()}_"
    found = []
    if settings.service in STORES and not settings.in_memory:
        problem = _cipher_key_problem(settings.cipher_key)
        if problem:
            found.append(f"{prefix}CIPHER_KEY {problem}")
        # The key of the actors' pseudonyms on Kafka (runtime/pseudonyms.py).
        problem = _cipher_key_problem(os.environ.get(f"{prefix}PSEUDONYM_KEY", ""))
        if problem:
            found.append(f"{prefix}PSEUDONYM_KEY {problem}")
    if settings.service in SUBJECT_HOLDERS and not settings.in_memory:
        # The master keyring of the data subjects' keys (runtime/masterkeys.py): without it the
        # first sealed field would fail mid-request.
        problem = _keyring_problem(settings.subject_master_keys)
        if problem:
            found.append(f"{prefix}SUBJECT_MASTER_KEYS {problem}")
    if not settings.jwt_jwks:
        found.append("SSP_JWT_JWKS (file or https URL of the identity provider's keys) is missing")
    elif settings.jwt_jwks.startswith("http://"):
        found.append("SSP_JWT_JWKS must be an https URL or a file")
    # The service's own Kafka principal; in production from the environment (or its _FILE),
    # never from the local stack's generated password files.
    name = f"SSP_KAFKA_{settings.service.upper()}_PASSWORD"
    problem = _password_problem(os.environ.get(name, ""))
    if problem:
        found.append(f"{name} {problem}")
    problem = _password_problem(settings.pg_password)
    if problem:
        found.append(f"database password (SSP_{settings.service.upper()}_PG_PASSWORD) {problem}")
    return found


def check_production(settings: Any) -> None:
    """Raise ProductionRefusal naming every missing or short secret, when in production."""
    if not is_production():
        return
    found = problems(settings)
    if found:
        raise ProductionRefusal(
            f"SSP_ENV=production: {settings.service} will not start: " + "; ".join(found)
        )
