"""The subject registry in memory: one pseudonym per subject in every service, forgotten on
erasure everywhere and on a retention expiry only with its last holder."""

import threading
import uuid

import pytest

from services.runtime.sealed import ERASED, SealBroken, pseudonym_in
from services.runtime.subject_registry import MemoryRegistry, _Rows
from services.runtime.subject_table import MemoryKeyTable
from services.runtime.subjects import SubjectKeys
from services.runtime.tests.test_subject_keys import keyring


def pupil() -> str:
    """A reference no other test uses (the in-memory registry is the process's)."""
    return f"pupil-{uuid.uuid4().hex[:16]}"


def keys_of(service: str) -> SubjectKeys:
    """A service's subject keys with their own key table and master key, as in a process."""
    return SubjectKeys(service, keyring(service), MemoryKeyTable())


def test_two_services_give_a_subject_the_same_pseudonym_and_keep_their_own_keys() -> None:
    incidents, disclosure = keys_of("incidents"), keys_of("disclosure")
    ref = pupil()
    name = incidents.seal(ref, "person", "Ada Lovelace")
    request = disclosure.seal(ref, "subject_ref", ref)
    assert pseudonym_in(name) == pseudonym_in(request) == incidents.pseudonym(ref)
    assert disclosure.pseudonym(pupil()) != incidents.pseudonym(ref)
    # The pseudonym is shared; the data keys are not: neither service opens the other's field.
    assert incidents.table.by_ref(ref) != disclosure.table.by_ref(ref)
    with pytest.raises(SealBroken):
        disclosure.open(name, "person")


def test_an_erasure_in_one_service_unlinks_the_pseudonym_for_every_service() -> None:
    incidents, disclosure = keys_of("incidents"), keys_of("disclosure")
    ref = pupil()
    name = incidents.seal(ref, "person", "Ada Lovelace")
    before = disclosure.pseudonym(ref)
    assert incidents.registry.holders(ref) == {"incidents": before, "disclosure": before}
    # Disclosure erases first: its key and every registry row of the subject go.
    assert disclosure.erase(ref) is not None
    assert disclosure.registry.holders(ref) == {}
    # Incidents still finds its own row by reference, so `ssp erasure` works in any order.
    assert incidents.erase(ref) is not None
    assert incidents.open(name, "person") == ERASED
    # Written again, the subject is someone new to both services, under one fresh pseudonym.
    again = incidents.pseudonym(ref)
    assert again != before and disclosure.pseudonym(ref) == again


def test_a_retention_expiry_in_one_service_keeps_the_link_of_another_that_still_holds() -> None:
    incidents, disclosure = keys_of("incidents"), keys_of("disclosure")
    ref = pupil()
    shared = incidents.pseudonym(ref)
    assert disclosure.pseudonym(ref) == shared
    # Incidents' records of the pupil expired: only its own row is forgotten.
    assert incidents.erase(ref, everywhere=False) is not None
    assert incidents.registry.holders(ref) == {"disclosure": shared}
    # A new incident about the pupil joins disclosure's requests again.
    assert incidents.pseudonym(ref) == shared
    # When the last holder expires too, the link is gone.
    incidents.erase(ref, everywhere=False)
    disclosure.erase(ref, everywhere=False)
    assert incidents.registry.holders(ref) == {}


def test_threads_allocating_one_subject_at_once_get_one_pseudonym() -> None:
    rows: _Rows = {}
    lock = threading.Lock()
    ref, got = pupil(), []
    start = threading.Barrier(8)

    def allocate(holder: str) -> None:
        start.wait()
        got.append(MemoryRegistry(holder, rows, lock).allocate(ref, "pupil"))

    threads = [threading.Thread(target=allocate, args=(f"s{i % 2}",)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(got) == 8 and len(set(got)) == 1
    assert got[0].startswith("pupil-")
