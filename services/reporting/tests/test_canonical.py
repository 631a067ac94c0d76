"""The canonical encoding is RFC 8785 wherever RFC 8785 is defined, and exact beyond it."""

from decimal import Decimal
from typing import Any

import pytest
import rfc8785
from hypothesis import given
from hypothesis import strategies as st

from services.reporting.canonical import NotCanonicalisable, canonical_bytes, exact_bytes

_text = st.text(st.characters(codec="utf-8", blacklist_characters="\x00"), max_size=12)
_ijson = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**53) + 1, max_value=2**53 - 1)
    | st.floats(allow_nan=False, allow_infinity=False)
    | _text,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(_text, inner, max_size=4),
    max_leaves=20,
)


@given(_ijson)
def test_it_is_rfc_8785_on_the_values_rfc_8785_accepts(value: Any) -> None:
    assert canonical_bytes(value) == rfc8785.dumps(value)


@pytest.mark.parametrize(
    ("stored", "hashed"),
    [
        (Decimal("0.0"), -0.0),  # jsonb has no negative zero
        (Decimal("1" + "0" * 300), 1e300),  # jsonb writes 1e300 out in full
        (Decimal("0.00000015"), 1.5e-7),
        (Decimal("5.0"), 5),
        (2**70, Decimal("1180591620717411303424")),  # beyond what rfc8785 accepts
    ],
)
def test_a_number_encodes_by_its_value_whatever_its_spelling(stored: Any, hashed: Any) -> None:
    assert canonical_bytes({"n": stored}) == canonical_bytes({"n": hashed})


def test_large_integers_keep_every_digit() -> None:
    assert canonical_bytes(2**70 + 1) != canonical_bytes(2**70)
    assert canonical_bytes(-(2**63) - 1) == b"-9223372036854775809"
    assert canonical_bytes(10**25 + 1) == b"1.0000000000000000000000001e+25"


@pytest.mark.parametrize(
    "value", [float("nan"), float("inf"), "\ud800", "a\x00b", {1: "a"}, object()]
)
def test_what_postgresql_cannot_store_is_refused(value: Any) -> None:
    with pytest.raises(NotCanonicalisable):
        canonical_bytes(value)


_any_text = st.text(st.characters(codec="utf-8"), max_size=12)
_plain_json = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**21) + 1, max_value=10**21 - 1)
    | st.integers(min_value=-(2**64), max_value=2**64)
    | _any_text,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(_any_text, inner, max_size=4),
    max_leaves=20,
)


@given(_plain_json)
def test_the_fast_path_writes_what_the_exact_encoding_writes(value: Any) -> None:
    # Control characters, non-ASCII and NUL in names, 64-bit edges: either both paths write the
    # same bytes, or both refuse.
    try:
        exact = exact_bytes(value)
    except NotCanonicalisable:
        with pytest.raises(NotCanonicalisable):
            canonical_bytes(value)
        return
    assert canonical_bytes(value) == exact
