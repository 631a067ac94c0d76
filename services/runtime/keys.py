"""Development keys kept in the state directory when the environment gives none."""

import base64
import os
import secrets
from pathlib import Path

from services.runtime.production import refuse_development_key
from services.runtime.settings import state_dir


def dev_secret(name: str, nbytes: int = 32) -> str:
    """A base64 secret stored at ``<state>/keys/<name>``, created on first use."""
    path = state_dir() / "keys" / name
    if not path.exists():
        refuse_development_key(f"the secret {name}")
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(base64.b64encode(secrets.token_bytes(nbytes)).decode())
        tmp.chmod(0o600)
        # Another process may have won the race; keep whichever landed first.
        if not path.exists():
            tmp.replace(path)
        else:
            tmp.unlink()
    return Path(path).read_text().strip()


def cipher_key(service: str, configured: str) -> str:
    """AES key of ``service``'s event store: the configured one, else its dev key."""
    return configured or dev_secret(f"{service}.aes")
