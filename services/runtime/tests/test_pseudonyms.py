"""Actor pseudonyms: stable per service, unlinkable across services, sealed in their table."""

import re
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from cryptography.exceptions import InvalidTag

from services.runtime.pseudonyms import PATTERN, ActorPseudonyms, _made, for_service


def test_a_pseudonym_is_stable_and_says_nothing_of_the_sub() -> None:
    names = ActorPseudonyms(b"k" * 32, b"s" * 32)
    first = names.of("officer-0001")
    assert first == names.of("officer-0001")
    assert re.match(PATTERN, first) and "0001" not in first
    assert names.of("officer-0002") != first


def test_two_services_give_the_same_actor_unlinkable_pseudonyms() -> None:
    assert for_service("incidents").of("sgt-1") != for_service("staffing").of("sgt-1")


def test_the_sealed_sub_opens_only_under_its_own_pseudonym() -> None:
    names = ActorPseudonyms(b"k" * 32, b"s" * 32)
    mine, other = names.of("officer-0001"), names.of("officer-0002")
    sealed = names.seal(mine, "officer-0001")
    assert b"officer" not in sealed
    assert names.unseal(mine, sealed) == "officer-0001"
    # A row copied to another pseudonym does not resolve to its person
    with pytest.raises(InvalidTag):
        names.unseal(other, sealed)


def test_threads_asking_at_once_share_one_development_key(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given a fresh state directory: the first commands of a service make its key
    monkeypatch.setenv("SSP_STATE_DIR", str(tmp_path))
    _made.cache_clear()
    try:
        # When many request threads translate their first events at once
        with ThreadPoolExecutor(8) as pool:
            made = list(pool.map(lambda _: for_service("racing").of("sgt-1"), range(32)))
        # Then none failed and all agree
        assert len(set(made)) == 1
    finally:
        _made.cache_clear()
