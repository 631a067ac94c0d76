"""The sealed-token format: how a personal value sits in an event, and what leaves in its place.

A value sealed under a subject's (or a record's) key is stored as

    ssp-sealed:v1:<pseudonym>:<base64 nonce + AES-GCM ciphertext>

These are the format's pure functions, with no key in reach: recognising a token, the
pseudonym it names (what Kafka and the read models carry), and a subject reference's kind.
Opening and sealing need the keys (``subjects.SubjectKeys``).
"""

import re
from typing import overload

SEALED = "ssp-sealed:v1:"
ERASED = "erased"
# Keys only this service uses (a record's own key, record_keys.py): no other service joins on
# their pseudonyms, so they are drawn here and the shared registry never holds them.
RECORD_KIND = "record"
LOCAL_KINDS = frozenset({RECORD_KIND})
# A subject's reference: a kind, then an opaque token (pupil-3f2a..., person-<uuid hex>).
SUBJECT_REF = re.compile(r"(?P<kind>[a-z]{2,16})-[0-9A-Za-z._:-]{1,96}\Z")
TOKEN = re.compile(
    r"ssp-sealed:v1:(?P<pseudonym>[a-z]{2,16}-[0-9a-f]{32}):(?P<box>[A-Za-z0-9+/=]+)\Z"
)


class SealBroken(ValueError):
    """A sealed value does not open as the field of the subject it claims (tampered or moved)."""


def subject_kind(ref: str) -> str:
    """The kind of subject ``ref`` names (its prefix); ValueError for a malformed reference."""
    found = SUBJECT_REF.match(ref)
    if found is None:
        raise ValueError(f"not a subject reference: {ref[:40]!r}")
    return found["kind"]


def is_sealed(value: object) -> bool:
    """Whether ``value`` is a sealed token (else it is clear, from before subject keys)."""
    return isinstance(value, str) and value.startswith(SEALED)


def pseudonym_in(token: str) -> str | None:
    """The pseudonym a sealed token names, without opening it."""
    found = TOKEN.match(token)
    return found["pseudonym"] if found else None


@overload
def published(value: str) -> str: ...
@overload
def published(value: None) -> None: ...
def published(value: str | None) -> str | None:
    """What leaves the service for a sealed reference: its pseudonym (recorded at write time,
    so an erased subject's events still translate); a value from before subject keys as is."""
    if value is None or not is_sealed(value):
        return value
    return pseudonym_in(value) or value
