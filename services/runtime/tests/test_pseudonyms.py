"""Actor pseudonyms: stable per service, unlinkable across services, sealed in their table."""

import re

import pytest
from cryptography.exceptions import InvalidTag

from services.runtime.pseudonyms import PATTERN, ActorPseudonyms, for_service


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
