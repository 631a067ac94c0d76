"""Actors as stable pseudonyms: who acted goes on Kafka as a keyed hash only the owner resolves.

The pseudonym of an actor (the identity provider's ``sub``) is HMAC-SHA256 of the ``sub`` under
the service's pseudonym key, so each service gives the same person the same pseudonym on every
event while no other service, and no reader of Kafka, can link it to a person. The service
keeps the pseudonym -> ``sub`` table (the ``sub`` AES-GCM-encrypted under its store key, bound
to the pseudonym) so that an auditor can ask it to resolve one (``actors_api``).
"""

import base64
import hashlib
import hmac
import os
import threading
from functools import cache
from typing import Any

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from services.runtime.keys import cipher_key, dev_secret

PREFIX = "actor-"
PATTERN = r"^actor-[0-9a-f]{32}$"
TABLE_DDL = """
CREATE TABLE IF NOT EXISTS ssp_actor_pseudonyms (
    pseudonym text PRIMARY KEY,
    sub_sealed bytea NOT NULL,
    first_seen timestamptz NOT NULL DEFAULT now()
)"""


class ActorPseudonyms:
    """One service's pseudonym function, and the pseudonyms it made but has not yet stored."""

    def __init__(self, key: bytes, seal_key: bytes) -> None:
        self._key = key
        self._aead = AESGCM(seal_key)
        self._lock = threading.Lock()
        self._unsaved: dict[str, str] = {}
        self._known: dict[str, str] = {}
        # sub -> pseudonym: a few actors sign most events, and the relay asks per event.
        self._of: dict[str, str] = {}

    def of(self, sub: str) -> str:
        """The stable pseudonym of ``sub``; remembered until ``save`` stores it."""
        known = self._of.get(sub)
        if known is not None:
            return known
        digest = hmac.new(self._key, sub.encode(), hashlib.sha256).hexdigest()
        pseudonym = PREFIX + digest[:32]
        if len(self._of) >= 10_000:
            self._of.clear()  # bounded; what is unsaved stays in ``_unsaved``
        self._of[sub] = pseudonym
        if pseudonym not in self._known:
            with self._lock:
                self._known[pseudonym] = sub
                self._unsaved[pseudonym] = sub
        return pseudonym

    def remembered(self, pseudonym: str) -> str | None:
        """The ``sub`` of a pseudonym this process made (in-memory mode has no table)."""
        return self._known.get(pseudonym)

    def seal(self, pseudonym: str, sub: str) -> bytes:
        """``sub`` encrypted for the table, bound to its pseudonym (nonce first)."""
        nonce = os.urandom(12)
        return nonce + self._aead.encrypt(nonce, sub.encode(), pseudonym.encode())

    def unseal(self, pseudonym: str, sealed: bytes) -> str:
        """The ``sub`` a row holds; raises if the row was moved to another pseudonym."""
        return self._aead.decrypt(sealed[:12], sealed[12:], pseudonym.encode()).decode()

    def take_unsaved(self) -> dict[str, str]:
        """The pseudonyms (-> ``sub``) made since the last call, now no longer pending here."""
        with self._lock:
            pending, self._unsaved = self._unsaved, {}
        return pending

    async def save(self, conn: Any) -> int:
        """Store the pseudonyms made since the last save; returns how many were new here."""
        pending = self.take_unsaved()
        if not pending:
            return 0
        try:
            await conn.execute(TABLE_DDL)
            await conn.executemany(
                """INSERT INTO ssp_actor_pseudonyms (pseudonym, sub_sealed) VALUES ($1, $2)
                   ON CONFLICT (pseudonym) DO NOTHING""",
                [(p, self.seal(p, s)) for p, s in pending.items()],
            )
        except BaseException:
            with self._lock:  # tried again with the next batch
                self._unsaved.update(pending)
            raise
        return len(pending)

    async def resolve(self, conn: Any, pseudonym: str) -> str | None:
        """The ``sub`` behind ``pseudonym``, or None if this service never published it."""
        # The relay stores a pseudonym before publishing it: what is on Kafka is in the table.
        exists = await conn.fetchval("SELECT to_regclass('ssp_actor_pseudonyms') IS NOT NULL")
        if not exists:
            return None
        sealed = await conn.fetchval(
            "SELECT sub_sealed FROM ssp_actor_pseudonyms WHERE pseudonym = $1", pseudonym
        )
        return None if sealed is None else self.unseal(pseudonym, bytes(sealed))


def pseudonym_key(service: str) -> bytes:
    """``SSP_<SERVICE>_PSEUDONYM_KEY`` (base64), else the development key of the state dir."""
    configured = os.environ.get(f"SSP_{service.upper()}_PSEUDONYM_KEY", "")
    return base64.b64decode(configured or dev_secret(f"{service}.pseudonym"))


_MAKING = threading.Lock()


def for_service(service: str) -> ActorPseudonyms:
    """The pseudonyms of ``service``, keyed by its pseudonym key and sealed by its store key."""
    # Request threads ask at once on the first commands; a development key is made only once.
    with _MAKING:
        return _made(service)


@cache
def _made(service: str) -> ActorPseudonyms:
    configured = os.environ.get(f"SSP_{service.upper()}_CIPHER_KEY", "")
    store_key = base64.b64decode(cipher_key(service, configured))
    seal = hashlib.sha256(b"ssp-actor-pseudonyms:" + store_key)
    return ActorPseudonyms(pseudonym_key(service), seal.digest())
