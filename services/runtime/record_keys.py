"""Record keys: a record's free text sealed under the record's own data key (crypto-shredding).

Free text (an incident's description, notes, justifications, an evidence description, an
activity's summary, a requester's or recipient's name...) may name several people, so it cannot
go under any one subject's key. Each record that holds some gets its own data key instead: a row
of the service's key table (``subject_table``) under the reference ``record-<record id hex>``
and kind ``record``, so sealing, opening (``reveal``), caching, master-key rotation and
retention dates are the subject keys' own. Its tokens are ``ssp-sealed:v1:record-<hex>:...``
with associated data ``<service>|<record pseudonym>|<field>``: bound to the record (its key)
and the field.

``ssp_record_subjects`` links each record key to the pseudonyms of the subjects the record
names. Erasing any of them destroys every record key linked to it (the text may mention them),
while the other subjects' own sealed fields in the same records stay readable. A record key is
also destroyed when its record's retention period ends (``retention.apply_retention``).
"""

import re
from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any
from uuid import UUID

from services.runtime.record_links import Links, MemoryLinks, PostgresLinks
from services.runtime.sealed import RECORD_KIND, is_sealed, pseudonym_in
from services.runtime.subjects import SubjectKeys

PSEUDONYM = re.compile(r"[a-z]{2,16}-[0-9a-f]{32}\Z")


def record_ref(record_id: UUID | str) -> str:
    """The key table's reference of a record's key: ``record-<record id hex>``."""
    return f"{RECORD_KIND}-{UUID(str(record_id)).hex}"


class RecordKeys:
    """A service's record keys: seal a record's free text, shred it with a subject or at expiry."""

    def __init__(self, subjects: SubjectKeys, links: Links) -> None:
        self.subjects = subjects
        self.links = links

    def seal(
        self,
        record_id: UUID | str,
        values: Mapping[str, str | None],
        names: Iterable[str | None] = (),
        retention: tuple[str, datetime] | None = None,
    ) -> dict[str, str | None]:
        """Each of ``values`` sealed as its field of the record, which names ``names``.

        ``names`` are the subjects the record names, as sealed tokens or pseudonyms: erasing
        any of them shreds this text. ``retention`` (record kind, time) keeps the key until the
        kind's period has run, no longer.
        """
        ref = record_ref(record_id)
        row = self.subjects.subject(ref)
        self.links.add(row.pseudonym, (p for p in map(_pseudonym, names) if p is not None))
        if retention is not None:
            from services.runtime.retention import retain

            retain(self.subjects, ref, *retention)
        return self.subjects.seal_fields(ref, values)

    def seal_one(self, record_id: UUID | str, field: str, value: str | None, **how: Any) -> Any:
        """``value`` sealed as ``field`` of the record (None stays None); see ``seal``."""
        if value is None:
            return None
        return self.seal(record_id, {field: value}, **how)[field]

    def link(self, record_id: UUID | str, names: Iterable[str | None]) -> None:
        """Note more subjects the record names (a conference's pupils, added later)."""
        row = self.subjects.table.by_ref(record_ref(record_id))
        if row is not None:
            self.links.add(row.pseudonym, (p for p in map(_pseudonym, names) if p is not None))

    def linked(self, subject_pseudonym: str) -> list[str]:
        """The pseudonyms of the record keys that still exist and name the subject."""
        return [
            p
            for p in self.links.records_of(subject_pseudonym)
            if self.subjects.table.by_pseudonym(p) is not None
        ]

    def shred(self, ref: str) -> bool:
        """Destroy the record key ``ref`` (``record-<hex>``): its text reads erased from now."""
        gone = self.subjects.erase(ref)
        if gone is not None:
            self.links.drop_record(gone.pseudonym)
        return gone is not None

    def shred_linked(self, subject_pseudonym: str) -> int:
        """Destroy every record key that names the subject; how many were destroyed."""
        done = 0
        for pseudonym in self.links.records_of(subject_pseudonym):
            row = self.subjects.table.by_pseudonym(pseudonym)
            if row is None:
                self.links.drop_record(pseudonym)
            elif self.shred(row.subject_ref):
                done += 1
        return done


def _pseudonym(name: str | None) -> str | None:
    """The pseudonym a sealed token names, or ``name`` itself if it is one (else None: a clear
    reference from before subject keys links nothing)."""
    if name is None:
        return None
    return pseudonym_in(name) or (name if PSEUDONYM.match(name) else None)


def record_keys_for(subjects: SubjectKeys, env: Mapping[str, str]) -> RecordKeys:
    """The record keys of an application whose eventsourcing environment is ``env``."""
    if env.get("PERSISTENCE_MODULE") != "eventsourcing.postgres":
        return RecordKeys(subjects, MemoryLinks())
    dsn = (
        f"postgresql://{env.get('POSTGRES_USER')}:{env.get('POSTGRES_PASSWORD')}@{env.get('POSTGRES_HOST')}"
        f":{env.get('POSTGRES_PORT')}/{env.get('POSTGRES_DBNAME')}"
    )
    return RecordKeys(subjects, PostgresLinks(dsn, env.get("POSTGRES_SCHEMA") or "public"))


def reveal_record(
    subjects: SubjectKeys, data: Mapping[str, Any], aliases: Mapping[str, str] | None = None
) -> dict[str, Any]:
    """``subjects.reveal``, also opening a rectification's ``value`` as the ``field`` it names
    (what a record's history shows: subject and record tokens alike, ``erased`` once shred).
    ``aliases``: keys under which a value sealed as another field is shown (name -> field)."""
    return {name: _opened(subjects, name, v, data, aliases or {}) for name, v in data.items()}


def _opened(
    subjects: SubjectKeys,
    name: str,
    value: Any,
    within: Mapping[str, Any],
    aliases: Mapping[str, str],
) -> Any:
    if isinstance(value, Mapping):
        return reveal_record(subjects, value, aliases)
    if isinstance(value, list):
        return [_opened(subjects, name, v, within, aliases) for v in value]
    if not is_sealed(value):
        return value
    named = within.get("field")
    if name == "value" and isinstance(named, str):
        return subjects.open(value, named)
    return subjects.open(value, aliases.get(name, name))
