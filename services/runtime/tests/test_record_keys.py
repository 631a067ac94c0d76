"""Record keys: a record's text under its own key, bound to record and field, shredded with any
subject it names; and a key another process deleted is never cached again here."""

import secrets
import uuid

import pytest

from services.runtime.masterkeys import Keyring
from services.runtime.record_keys import RecordKeys, record_ref, reveal_record
from services.runtime.record_links import MemoryLinks
from services.runtime.sealed import ERASED, SealBroken, pseudonym_in
from services.runtime.subject_table import MemoryKeyTable, SubjectRow
from services.runtime.subjects import SubjectKeys


def keys() -> RecordKeys:
    """Record keys over an in-memory key table."""
    ring = Keyring("k1", {"k1": secrets.token_bytes(32)})
    return RecordKeys(SubjectKeys("incidents", ring, MemoryKeyTable()), MemoryLinks())


def test_text_is_bound_to_its_record_and_field() -> None:
    records = keys()
    one, two = uuid.uuid4(), uuid.uuid4()
    sealed = records.seal(one, {"description": "Alex said it was Sam", "notes": "Seen by Kim"})
    other = records.seal_one(two, "description", "Another record's text")
    subjects = records.subjects
    assert subjects.open(sealed["description"], "description") == "Alex said it was Sam"
    assert pseudonym_in(sealed["description"] or "") != pseudonym_in(other)
    with pytest.raises(SealBroken):  # moved to another field of the same record
        subjects.open(sealed["notes"], "description")
    assert records.seal_one(one, "notes", None) is None


def test_erasing_any_subject_named_shreds_the_text_but_not_the_other_subject() -> None:
    records = keys()
    subjects = records.subjects
    pupils = [subjects.seal(ref, "pupil_refs", ref) for ref in ("pupil-aaaa", "pupil-bbbb")]
    record_id = uuid.uuid4()
    text = records.seal_one(record_id, "description", "Alex pushed Sam", names=pupils)
    [linked] = records.linked(subjects.pseudonym("pupil-aaaa"))
    assert subjects.table.by_ref(record_ref(record_id)).pseudonym == linked  # type: ignore[union-attr]

    gone = subjects.erase("pupil-aaaa")
    assert gone is not None and records.shred_linked(gone.pseudonym) == 1
    shown = reveal_record(subjects, {"description": text, "pupil_refs": pupils})
    assert shown == {"description": ERASED, "pupil_refs": [ERASED, "pupil-bbbb"]}
    assert records.shred_linked(subjects.pseudonym("pupil-bbbb")) == 0  # already gone


def test_a_rectified_value_opens_as_the_field_it_names() -> None:
    records = keys()
    value = records.seal_one(uuid.uuid4(), "description", "Corrected account")
    event = {"field": "description", "value": value}
    assert reveal_record(records.subjects, {"data": event})["data"]["value"] == "Corrected account"


def test_a_key_forgotten_while_it_was_read_is_not_cached() -> None:
    records = keys()
    subjects = records.subjects
    token = records.seal_one(uuid.uuid4(), "description", "Text")
    subjects.forget()
    by_pseudonym = subjects.table.by_pseudonym

    def racing(pseudonym: str) -> SubjectRow | None:
        row = by_pseudonym(pseudonym)
        subjects.forget(pseudonym)  # another process's deletion noticed meanwhile
        return row

    subjects.table.by_pseudonym = racing  # type: ignore[method-assign]
    assert subjects.open(token, "description") == "Text"
    assert pseudonym_in(token) not in subjects._keys
