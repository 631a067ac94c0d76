"""Per-subject data keys: sealing, erasure, tamper refusal and master-key rotation (in memory)."""

import base64
import secrets
from typing import Any

import pytest

from services.runtime import subjects as subjects_module
from services.runtime.masterkeys import Keyring, KeyringError
from services.runtime.sealed import ERASED, SealBroken, is_sealed, pseudonym_in
from services.runtime.subject_table import MemoryKeyTable
from services.runtime.subjects import SubjectKeys


def keyring(*kids: str, keys: dict[str, bytes] | None = None) -> Keyring:
    """A keyring of ``kids`` (newest first), reusing ``keys`` where given."""
    made = {k: (keys or {}).get(k) or secrets.token_bytes(32) for k in kids}
    return Keyring(kids[0], made)


def test_a_sealed_field_opens_as_itself_and_names_only_a_pseudonym() -> None:
    subjects = SubjectKeys("incidents", keyring("k1"), MemoryKeyTable())
    token = subjects.seal("pupil-0a1b2c3d4e5f", "person", "Ada Lovelace")
    assert token is not None and is_sealed(token)
    assert "Ada" not in token and "0a1b2c3d4e5f" not in token
    assert pseudonym_in(token) == subjects.pseudonym("pupil-0a1b2c3d4e5f")
    assert subjects.open(token, "person") == "Ada Lovelace"
    # Stable: the same subject keeps its pseudonym; another subject gets its own.
    assert subjects.pseudonym("pupil-0a1b2c3d4e5f") == pseudonym_in(token)
    assert subjects.pseudonym("pupil-ffffffffffff") != pseudonym_in(token)


def test_values_from_before_subject_keys_read_as_they_are() -> None:
    subjects = SubjectKeys("incidents", keyring("k1"), MemoryKeyTable())
    assert subjects.open("a clear legacy value", "person") == "a clear legacy value"
    assert subjects.open(None, "person") is None


def test_erasure_leaves_every_token_of_the_subject_erased_and_others_readable() -> None:
    subjects = SubjectKeys("incidents", keyring("k1"), MemoryKeyTable())
    name = subjects.seal("pupil-0a1b2c3d4e5f", "person", "Ada Lovelace")
    grounds = subjects.seal("pupil-0a1b2c3d4e5f", "grounds", "smell of cannabis")
    other = subjects.seal("pupil-ffffffffffff", "person", "Charles Babbage")
    erased = subjects.erase("pupil-0a1b2c3d4e5f")
    assert name is not None and erased is not None and erased.kind == "pupil"
    assert erased.pseudonym == pseudonym_in(name)
    assert subjects.open(name, "person") == ERASED
    assert subjects.open(grounds, "grounds") == ERASED
    assert subjects.is_erased(name)
    assert subjects.open(other, "person") == "Charles Babbage"
    assert subjects.erase("pupil-0a1b2c3d4e5f") is None  # nothing left to erase
    # A new record of the same reference starts a new, unlinked pseudonym.
    assert subjects.pseudonym("pupil-0a1b2c3d4e5f") != erased.pseudonym


def test_erasure_in_one_process_reaches_another_after_its_cache() -> None:
    table = MemoryKeyTable()
    ring = keyring("k1")
    writer = SubjectKeys("incidents", ring, table)
    reader = SubjectKeys("incidents", ring, table, cache_seconds=0)
    token = writer.seal("person-1234", "person", "a boy in a red coat")
    assert reader.open(token, "person") == "a boy in a red coat"
    writer.erase("person-1234")
    assert reader.open(token, "person") == ERASED


def test_a_ciphertext_moved_to_another_field_or_subject_is_refused() -> None:
    subjects = SubjectKeys("incidents", keyring("k1"), MemoryKeyTable())
    token = subjects.seal("pupil-0a1b2c3d4e5f", "person", "Ada Lovelace")
    assert token is not None
    with pytest.raises(SealBroken):
        subjects.open(token, "grounds")
    other = subjects.seal("pupil-ffffffffffff", "person", "x")
    assert other is not None
    # Another subject's pseudonym in front of this ciphertext: the associated data differs.
    forged = other.rsplit(":", 1)[0] + ":" + token.rsplit(":", 1)[1]
    with pytest.raises(SealBroken):
        subjects.open(forged, "person")
    # Another service's store cannot open it either.
    stranger = SubjectKeys("disclosure", subjects.keyring, subjects.table)
    with pytest.raises(SealBroken):
        stranger.open(token, "person")


def test_rotation_rewraps_every_data_key_and_everything_reads_back() -> None:
    table = MemoryKeyTable()
    old = keyring("k1")
    before = SubjectKeys("incidents", old, table)
    tokens = {
        ref: before.seal(ref, "person", f"name of {ref}")
        for ref in ("pupil-000000000001", "pupil-000000000002", "person-3")
    }
    rotated = SubjectKeys("incidents", keyring("k2", "k1", keys=old.keys), table)
    assert rotated.rotate() == 3
    assert rotated.still_wrapped_under() == {"k2": 3}
    assert rotated.rotate() == 0  # idempotent
    # The old master key can now be retired: a keyring of the new key alone reads everything.
    after = SubjectKeys("incidents", Keyring("k2", {"k2": rotated.keyring.keys["k2"]}), table)
    for ref, token in tokens.items():
        assert after.open(token, "person") == f"name of {ref}"


def test_a_keyring_lacking_the_wrapping_key_refuses_loudly() -> None:
    table = MemoryKeyTable()
    token = SubjectKeys("incidents", keyring("k1"), table).seal("person-3", "person", "x")
    with pytest.raises(KeyringError):
        SubjectKeys("incidents", keyring("k9"), table).open(token, "person")


def test_keyring_parsing_names_what_is_wrong() -> None:
    key = base64.b64encode(bytes(32)).decode()
    ring = Keyring.parse(f"new:{key},old:{key}")
    assert ring.current == "new" and set(ring.keys) == {"new", "old"}
    assert Keyring.parse(f"new {key}\nold {key}\n").current == "new"
    for bad, says in (
        ("", "no master key"),
        (f"BAD:{key}", "is not 1-32"),
        ("k:notbase64!", "not base64"),
        (f"k:{base64.b64encode(bytes(16)).decode()}", "16 bytes"),
    ):
        with pytest.raises(KeyringError, match=says):
            Keyring.parse(bad)


def test_a_process_rereads_its_keyring_when_another_rotated_to_a_newer_key() -> None:
    table = MemoryKeyTable()
    old = keyring("k1")
    new = keyring("k2", "k1", keys=old.keys)
    running = SubjectKeys("incidents", old, table, cache_seconds=0, reload=lambda: new)
    token = running.seal("person-3", "person", "x")
    assert SubjectKeys("incidents", new, table).rotate() == 1
    assert running.open(token, "person") == "x"
    assert running.keyring.current == "k2"


def test_a_record_after_another_process_erased_the_subject_gets_a_new_pseudonym() -> None:
    table = MemoryKeyTable()
    ring = keyring("k1")
    writer = SubjectKeys("incidents", ring, table)  # caches the pseudonym for 30 s
    first = writer.seal("person-1234", "person", "a")
    SubjectKeys("incidents", ring, table).erase("person-1234")
    second = writer.seal("person-1234", "person", "b")
    assert first is not None and second is not None
    assert pseudonym_in(second) != pseudonym_in(first)
    assert writer.open(second, "person") == "b"


def test_the_key_cache_stays_bounded_and_forgets_what_it_is_told(monkeypatch: Any) -> None:
    # One entry per subject ever seen would grow with history; the cache is cleared when full.
    monkeypatch.setattr(subjects_module, "KEYS_CACHED", 3)
    subjects = SubjectKeys("incidents", keyring("k1"), MemoryKeyTable())
    tokens = [subjects.seal(f"pupil-00000000000{n}", "person", f"P{n}") for n in range(7)]
    assert len(subjects._keys) <= 3
    assert [subjects.open(t, "person") for t in tokens] == [f"P{n}" for n in range(7)]
    assert len(subjects._keys) <= 3
