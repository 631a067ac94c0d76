"""Per-subject data keys (crypto-shredding): personal fields sealed under their subject's key.

Each data subject (a pupil, a person searched, a member of staff, a disclosure subject) gets,
on first use, a random 256-bit data key and a random pseudonym, kept in the service's key
table (``subject_table``) with the key wrapped under the service's master key
(``masterkeys``). The pseudonym is the platform's (``subject_registry``): every service gives
one subject the same one, while each service's data keys stay its own. A personal field is
stored in the event as a sealed token

    ssp-sealed:v1:<pseudonym>:<base64 nonce + AES-GCM ciphertext>

whose associated data is ``<service>|<pseudonym>|<field>``: the ciphertext opens only as that
field of that subject, so it cannot be moved to another record or field unnoticed. Erasure
deletes the subject's row: every token of the subject then opens as ``ERASED``, and the
pseudonym (already on Kafka and in read models) no longer leads back to anyone. The events
themselves are never rewritten, so the store's history and the audit chain still verify.
"""

import base64
import secrets
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, overload

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from services.runtime.masterkeys import NONCE_BYTES, Keyring, keyring_of
from services.runtime.sealed import (
    ERASED,
    LOCAL_KINDS,
    SEALED,
    TOKEN,
    SealBroken,
    is_sealed,
    pseudonym_in,
    subject_kind,
)
from services.runtime.subject_registry import MemoryRegistry, Registry, new_pseudonym, registry_of
from services.runtime.subject_table import KeyTable, MemoryKeyTable, PostgresKeyTable, SubjectRow

if TYPE_CHECKING:
    from services.runtime.settings import ServiceSettings


@dataclass(frozen=True)
class Erasure:
    """What erasing a subject destroyed: its pseudonym and kind (the reference is gone)."""

    pseudonym: str
    kind: str


# Unwrapped data keys kept at most (each a few hundred bytes with its pseudonym).
KEYS_CACHED = 10_000


class SubjectKeys:
    """A service's subject keys: pseudonyms, sealing, opening, erasure and re-wrapping."""

    def __init__(
        self,
        service: str,
        keyring: Keyring,
        table: KeyTable,
        cache_seconds: float = 30.0,
        reload: Callable[[], Keyring] | None = None,
        registry: Registry | None = None,
    ) -> None:
        self.service = service
        # Where a new subject's pseudonym comes from: the one every service gives that subject.
        self.registry = registry or MemoryRegistry(service)
        self.keyring = keyring
        # Reads the keyring again when a data key names a master key this one lacks: another
        # process rotated to a key added since (the development keyring file).
        self.reload = reload
        self.table = table
        # Unwrapped keys are kept briefly; a service process drops one at once when another
        # process deletes it (key_events), a tool's after at most this long.
        self.cache_seconds = cache_seconds
        self._keys: dict[str, tuple[bytes | None, float]] = {}
        # Counts ``forget`` calls: a key read from the table while one happened is not cached.
        self._forgotten = 0

    def _wrap_aad(self, pseudonym: str) -> bytes:
        return f"ssp-subject-key|{self.service}|{pseudonym}".encode()

    def _field_aad(self, pseudonym: str, field: str) -> bytes:
        return f"{self.service}|{pseudonym}|{field}".encode()

    def subject(self, ref: str) -> SubjectRow:
        """The subject's row, made (key and pseudonym) on first use."""
        row = self.table.by_ref(ref)
        if row is not None:
            return row
        kind = subject_kind(ref)
        local = kind in LOCAL_KINDS
        pseudonym = new_pseudonym(kind) if local else self.registry.allocate(ref, kind)
        kid, wrapped = self.keyring.wrap(secrets.token_bytes(32), self._wrap_aad(pseudonym))
        return self.table.insert(SubjectRow(ref, pseudonym, kind, kid, wrapped))

    def pseudonym(self, ref: str) -> str:
        """The subject's stable random pseudonym (what leaves the service in its place)."""
        return self.subject(ref).pseudonym

    def _key(self, pseudonym: str) -> bytes | None:
        cached = self._keys.get(pseudonym)
        if cached is not None and time.monotonic() - cached[1] < self.cache_seconds:
            return cached[0]
        epoch = self._forgotten
        row = self.table.by_pseudonym(pseudonym)
        if row is not None and row.master_key_id not in self.keyring.keys and self.reload:
            self.keyring = self.reload()
        try:
            key = (
                None
                if row is None
                else self.keyring.unwrap(
                    row.master_key_id, row.wrapped_key, self._wrap_aad(pseudonym)
                )
            )
        except InvalidTag as exc:  # a wrapped key copied from another subject or service
            raise SealBroken(f"the data key of {pseudonym} does not unwrap here") from exc
        if epoch == self._forgotten:
            if len(self._keys) >= KEYS_CACHED:
                self._drop_expired()
            self._keys[pseudonym] = (key, time.monotonic())
        return key

    def _drop_expired(self) -> None:
        """Bounded: an entry per subject ever seen would grow with history. Expired entries go
        first (they would be read again anyway), all if half the bound is still live; always
        in place, never rebuilt, so a key ``forget`` dropped meanwhile cannot come back."""
        now = time.monotonic()
        for pseudonym, (_, at) in list(self._keys.items()):
            if now - at >= self.cache_seconds:
                self._keys.pop(pseudonym, None)
        if len(self._keys) >= KEYS_CACHED // 2:
            self._keys.clear()

    def forget(self, pseudonym: str | None = None) -> None:
        """Drop a cached key (every one if None): another process deleted it (key_events)."""
        self._forgotten += 1
        if pseudonym is None:
            self._keys.clear()
        else:
            self._keys.pop(pseudonym, None)

    @overload
    def seal(self, ref: str, field: str, value: str) -> str: ...
    @overload
    def seal(self, ref: str, field: str, value: None) -> None: ...
    def seal(self, ref: str, field: str, value: str | None) -> str | None:
        """``value`` sealed as ``field`` of subject ``ref`` (None stays None)."""
        if value is None:
            return None
        return self.seal_fields(ref, {field: value})[field]

    def seal_fields(self, ref: str, values: Mapping[str, str | None]) -> dict[str, str | None]:
        """Each of ``values`` sealed as its field of subject ``ref``, with one key look-up.

        The subject's row is read afresh (never from a cache), so a subject another process
        erased gets a new key and pseudonym instead of one that no longer exists.
        """
        row = self.subject(ref)
        cached = self._keys.get(row.pseudonym)
        key = cached[0] if cached is not None else None
        if key is None:
            self._keys.pop(row.pseudonym, None)
            key = self._key(row.pseudonym)
        if key is None:  # erased between the two look-ups
            raise SealBroken(f"subject {row.pseudonym} was erased while its record was written")
        return {f: self._box(key, row.pseudonym, f, v) for f, v in values.items()}

    def _box(self, key: bytes, pseudonym: str, field: str, value: str | None) -> str | None:
        if value is None:
            return None
        nonce = secrets.token_bytes(NONCE_BYTES)
        box = nonce + AESGCM(key).encrypt(nonce, value.encode(), self._field_aad(pseudonym, field))
        return f"{SEALED}{pseudonym}:{base64.b64encode(box).decode()}"

    def open(self, value: str | None, field: str) -> str | None:
        """The clear value of a sealed ``field``: ``ERASED`` once its subject is erased.

        A value that is not sealed (recorded before subject keys) is returned as it is.
        """
        if value is None or not is_sealed(value):
            return value
        found = TOKEN.match(value)
        if found is None:
            raise SealBroken(f"malformed sealed value in {field}")
        pseudonym = found["pseudonym"]
        key = self._key(pseudonym)
        if key is None:
            return ERASED
        box = base64.b64decode(found["box"])
        try:
            clear = AESGCM(key).decrypt(
                box[:NONCE_BYTES], box[NONCE_BYTES:], self._field_aad(pseudonym, field)
            )
        except InvalidTag as exc:
            raise SealBroken(f"{field} does not open as {pseudonym}'s {field}") from exc
        return clear.decode()

    def is_erased(self, value: str | None) -> bool:
        """Whether ``value`` is sealed under a subject whose key is gone."""
        pseudonym = pseudonym_in(value) if isinstance(value, str) else None
        return pseudonym is not None and self._key(pseudonym) is None

    def erase(self, ref: str, everywhere: bool = True) -> Erasure | None:
        """Destroy the subject's data key and pseudonym link; None if none is held.

        ``everywhere``: the registry forgets the subject for every service (an erasure), else
        only as this service's (a retention expiry here, while others may still hold it).
        """
        row = self.table.by_ref(ref)
        if row is None:
            return None
        # The registry first: a retry after a failed key deletion still finds the row here.
        if row.kind not in LOCAL_KINDS:
            self.registry.release(ref, row.pseudonym, everywhere=everywhere)
        row = self.table.delete(ref)
        if row is None:
            return None
        self._keys[row.pseudonym] = (None, time.monotonic())
        return Erasure(row.pseudonym, row.kind)

    def rotate(self) -> int:
        """Re-wrap every data key not under the current master key; how many were re-wrapped.

        Events are untouched: they hold field ciphertexts under data keys, which do not change.
        """
        done = 0
        for row in self.table.rows():
            if row.master_key_id == self.keyring.current:
                continue
            aad = self._wrap_aad(row.pseudonym)
            key = self.keyring.unwrap(row.master_key_id, row.wrapped_key, aad)
            kid, wrapped = self.keyring.wrap(key, aad)
            done += self.table.rewrap(row.pseudonym, row.master_key_id, kid, wrapped)
        return done

    def still_wrapped_under(self) -> dict[str, int]:
        """How many data keys each master key wraps (a retired key may go when it has none)."""
        counts: dict[str, int] = {}
        for row in self.table.rows():
            counts[row.master_key_id] = counts.get(row.master_key_id, 0) + 1
        return counts


def subject_keys_for(service: str, env: Mapping[str, str]) -> SubjectKeys:
    """The subject keys of an application whose eventsourcing environment is ``env``."""
    if env.get("PERSISTENCE_MODULE") != "eventsourcing.postgres":
        # An in-memory application (fast tests) keeps its keys for its own lifetime only.
        return SubjectKeys(
            service, Keyring("memory", {"memory": secrets.token_bytes(32)}), MemoryKeyTable()
        )
    dsn = (
        f"postgresql://{env.get('POSTGRES_USER')}:{env.get('POSTGRES_PASSWORD')}@{env.get('POSTGRES_HOST')}"
        f":{env.get('POSTGRES_PORT')}/{env.get('POSTGRES_DBNAME')}"
    )
    table = PostgresKeyTable(dsn, env.get("POSTGRES_SCHEMA") or "public")
    configured = env.get("SUBJECT_MASTER_KEYS") or ""
    where = ("POSTGRES_USER", "POSTGRES_PASSWORD", "POSTGRES_HOST", "POSTGRES_PORT")
    return SubjectKeys(
        service,
        keyring_of(service, configured),
        table,
        reload=lambda: keyring_of(service, configured),
        registry=registry_of(service, *(env.get(k) or "" for k in where)),
    )


def subject_keys_of(settings: "ServiceSettings") -> SubjectKeys:
    """The subject keys of a service's database, for tools (rotation, retention)."""
    table = PostgresKeyTable(settings.pg_dsn, settings.db_schema)
    where = (settings.pg_user, settings.pg_password, settings.pg_host, settings.pg_port)
    return SubjectKeys(
        settings.service,
        keyring_of(settings.service, settings.subject_master_keys),
        table,
        registry=registry_of(settings.service, *where),
    )


def reveal(subjects: SubjectKeys, data: Mapping[str, Any]) -> dict[str, Any]:
    """``data`` with every sealed value opened as the field (key) it is under, also inside
    lists and nested mappings: what an API or export shows (``ERASED`` once erased)."""
    return {name: _opened(subjects, name, value) for name, value in data.items()}


def _opened(subjects: SubjectKeys, name: str, value: Any) -> Any:
    if isinstance(value, Mapping):
        return reveal(subjects, value)
    if isinstance(value, list):
        return [_opened(subjects, name, v) for v in value]
    return subjects.open(value, name) if is_sealed(value) else value
