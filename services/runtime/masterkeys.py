"""A service's master keys, which wrap its per-subject data keys (envelope encryption).

Kept apart from the event store's ``CIPHER_KEY``: rotating a master key re-wraps the data
keys in the key table and leaves every stored event as it is. The keyring is configured as
``SSP_<NAME>_SUBJECT_MASTER_KEYS="<id>:<base64 32 bytes>,<id>:<base64>..."``, the first being
current and the rest retired ones still able to unwrap; in development it lives in
``<state>/keys/<service>.subject-master`` (one ``<id> <base64>`` a line, newest first).
"""

import base64
import binascii
import os
import re
import secrets
from dataclasses import dataclass

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from services.runtime.production import refuse_development_key
from services.runtime.settings import state_dir

KEY_ID = re.compile(r"[a-z0-9][a-z0-9-]{0,31}\Z")
NONCE_BYTES = 12


class KeyringError(ValueError):
    """The configured keyring is malformed, or lacks the key a data key was wrapped with."""


@dataclass(frozen=True)
class Keyring:
    """Master keys by id; ``current`` wraps every new or re-wrapped data key."""

    current: str
    keys: dict[str, bytes]

    @classmethod
    def parse(cls, text: str) -> "Keyring":
        """A keyring from ``id:base64,id:base64`` (or one ``id base64`` a line), newest first."""
        entries = [e.strip() for e in re.split(r"[,\n]", text) if e.strip()]
        keys: dict[str, bytes] = {}
        for entry in entries:
            kid, _, b64 = entry.replace(" ", ":", 1).partition(":")
            if not KEY_ID.match(kid):
                raise KeyringError(f"master key id {kid[:40]!r} is not 1-32 of a-z 0-9 -")
            try:
                raw = base64.b64decode(b64.strip(), validate=True)
            except (binascii.Error, ValueError) as exc:
                raise KeyringError(f"master key {kid} is not base64") from exc
            if len(raw) != 32:
                raise KeyringError(f"master key {kid} is {len(raw)} bytes, needs 32")
            keys.setdefault(kid, raw)
        if not keys:
            raise KeyringError("the keyring holds no master key")
        return cls(next(iter(keys)), keys)

    def wrap(self, data_key: bytes, aad: bytes) -> tuple[str, bytes]:
        """(key id, nonce + ciphertext) of ``data_key`` under the current master key."""
        nonce = secrets.token_bytes(NONCE_BYTES)
        return self.current, nonce + AESGCM(self.keys[self.current]).encrypt(nonce, data_key, aad)

    def unwrap(self, kid: str, wrapped: bytes, aad: bytes) -> bytes:
        """The data key ``wrapped`` under master key ``kid``."""
        if kid not in self.keys:
            raise KeyringError(f"master key {kid} is not in the keyring (retired too early?)")
        return AESGCM(self.keys[kid]).decrypt(wrapped[:NONCE_BYTES], wrapped[NONCE_BYTES:], aad)


def _dev_path(service: str) -> "os.PathLike[str]":
    return state_dir() / "keys" / f"{service}.subject-master"


def new_key_line() -> str:
    """A fresh master key as one keyring line (``<id> <base64>``), id from the time and chance."""
    import time

    kid = f"k{time.strftime('%Y%m%d')}-{secrets.token_hex(3)}"
    return f"{kid} {base64.b64encode(secrets.token_bytes(32)).decode()}"


def keyring_of(service: str, configured: str) -> Keyring:
    """``service``'s keyring: the configured one, else its development keyring (made once)."""
    if configured:
        return Keyring.parse(configured)
    path = _dev_path(service)
    if not os.path.exists(path):
        refuse_development_key(f"the subject master keys of {service}")
        os.makedirs(os.path.dirname(path), exist_ok=True)
        tmp = f"{os.fspath(path)}.{os.getpid()}.tmp"
        with open(tmp, "w") as f:
            f.write(new_key_line() + "\n")
        os.chmod(tmp, 0o600)
        if not os.path.exists(path):  # another process may have won the race
            os.replace(tmp, path)
        else:
            os.unlink(tmp)
    with open(path) as f:
        return Keyring.parse(f.read())


def add_dev_master_key(service: str) -> Keyring:
    """Development rotation: a new current key before the old ones (which stay to unwrap)."""
    old = keyring_of(service, "")
    path = _dev_path(service)
    with open(path) as f:
        lines = f.read()
    tmp = f"{os.fspath(path)}.{os.getpid()}.tmp"
    with open(tmp, "w") as f:
        f.write(new_key_line() + "\n" + lines)
    os.chmod(tmp, 0o600)
    os.replace(tmp, path)
    new = keyring_of(service, "")
    assert new.current != old.current
    return new
