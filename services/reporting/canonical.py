"""A canonical JSON encoding that a PostgreSQL jsonb round trip cannot change.

RFC 8785 (JCS) with one extension: numbers are written from their exact decimal value, not
from an IEEE double. jsonb stores numbers as exact decimals (``numeric``): it turns ``-0.0``
into ``0.0``, writes ``1e300`` as 301 digits and keeps integers beyond 2**53 exactly. Encoding
the decimal value makes all of these the same bytes before and after storage. For every value a
double can hold (and every integer RFC 8785 accepts) the output is byte-for-byte RFC 8785; the
tests check that against the ``rfc8785`` package, which refuses the integers jsonb keeps.
"""

import re
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

import orjson

_ESCAPES = {'"': '\\"', "\\": "\\\\", "\b": "\\b", "\f": "\\f", "\n": "\\n", "\r": "\\r"}
_ESCAPES["\t"] = "\\t"
# Every character _string changes: the quote, the backslash and the control characters.
_TO_ESCAPE = re.compile(r'[\x00-\x1f"\\]')
# Integers below this are written as their plain digits (ECMA-262 switches to e+ at 10**21).
_PLAIN_INTEGERS = 10**21


class NotCanonicalisable(ValueError):
    """A value with no JSON form that PostgreSQL would store (NaN, infinity, a lone surrogate)."""


def canonical_bytes(value: Any) -> bytes:
    """The canonical UTF-8 encoding of a JSON value (dict, list, str, number, bool, None)."""
    if _plain(value):
        # Without floats, decimals, huge integers, NUL or non-ASCII names, orjson's sorted
        # output is this encoding byte for byte (a property test holds the two paths equal),
        # at a fiftieth of the cost: the audit chain encodes every event it appends.
        try:
            return orjson.dumps(value, option=orjson.OPT_SORT_KEYS)
        except orjson.JSONEncodeError:
            pass  # a lone surrogate: the exact path below says why it is refused
    return exact_bytes(value)


def exact_bytes(value: Any) -> bytes:
    """``canonical_bytes`` by the encoding written out here, for every value it accepts."""
    parts: list[str] = []
    _encode(value, parts)
    try:
        return "".join(parts).encode("utf-8")
    except UnicodeEncodeError as exc:
        raise NotCanonicalisable(f"a string holds a lone surrogate: {exc}") from None


def _plain(value: Any) -> bool:
    """Whether ``value`` holds only what orjson writes exactly as this encoding does."""
    kind = type(value)
    if kind is str:
        return "\x00" not in value
    if kind is int:
        return -_PLAIN_INTEGERS < value < _PLAIN_INTEGERS
    if value is None or kind is bool:
        return True
    if kind is dict:
        return all(
            type(k) is str and k.isascii() and "\x00" not in k and _plain(v)
            for k, v in value.items()
        )
    if kind is list:
        return all(_plain(v) for v in value)
    return False  # floats, decimals, tuples, other mappings: the exact path


def _encode(value: Any, out: list[str]) -> None:
    if value is None:
        out.append("null")
    elif value is True:
        out.append("true")
    elif value is False:
        out.append("false")
    elif isinstance(value, str):
        out.append(_string(value))
    elif isinstance(value, int | float | Decimal):
        out.append(number(value))
    elif isinstance(value, Mapping):
        out.append("{")
        for i, key in enumerate(_sorted_names(value)):
            if not isinstance(key, str):
                raise NotCanonicalisable(f"object member name {key!r} is not a string")
            out.append("," if i else "")
            out.append(_string(key))
            out.append(":")
            _encode(value[key], out)
        out.append("}")
    elif isinstance(value, Sequence):
        out.append("[")
        for i, item in enumerate(value):
            out.append("," if i else "")
            _encode(item, out)
        out.append("]")
    else:
        raise NotCanonicalisable(f"{type(value).__name__} is not a JSON value")


def _sorted_names(value: Mapping[Any, Any]) -> list[Any]:
    """RFC 8785 3.2.3: member names sorted by their UTF-16 code units."""
    try:
        names = sorted(value)
    except TypeError:
        names = None  # names of mixed types: the caller refuses the non-string one
    if names is not None and all(isinstance(k, str) and k.isascii() for k in names):
        return names  # for ASCII names code points and UTF-16 code units sort alike
    return sorted(value, key=lambda k: str(k).encode("utf-16-be"))


def _string(text: str) -> str:
    if "\x00" in text:
        raise NotCanonicalisable("a string holds NUL, which jsonb cannot store")
    if _TO_ESCAPE.search(text) is None:
        # Most strings: nothing to escape, so no loop per character (the audit chain encodes
        # every event it appends; this was most of a replay's time).
        return '"' + text + '"'
    chars = []
    for ch in text:
        if ch in _ESCAPES:
            chars.append(_ESCAPES[ch])
        elif ch < " ":
            chars.append(f"\\u{ord(ch):04x}")
        else:
            chars.append(ch)
    return '"' + "".join(chars) + '"'


def number(value: int | float | Decimal) -> str:
    """ECMAScript Number.prototype.toString applied to the value's exact decimal digits."""
    if type(value) is int and -_PLAIN_INTEGERS < value < _PLAIN_INTEGERS:
        return str(value)  # what the digits below come to, without the Decimal
    if isinstance(value, float):
        # repr is the shortest text that reads back as this double; jsonb parses that text.
        value = Decimal(repr(value))
    exact = Decimal(value)
    if not exact.is_finite():
        raise NotCanonicalisable(f"{value} has no JSON form")
    sign, digit_tuple, exponent = exact.as_tuple()
    assert isinstance(exponent, int)
    digits = "".join(map(str, digit_tuple)).lstrip("0")
    if not digits:
        return "0"  # -0 and 0.000 alike, as jsonb stores them
    stripped = digits.rstrip("0")
    exponent += len(digits) - len(stripped)
    s, k = stripped, len(stripped)
    n = exponent + k  # value = s * 10**(n-k), as in ECMA-262 Number::toString
    if k <= n <= 21:
        text = s + "0" * (n - k)
    elif 0 < n <= 21:
        text = s[:n] + "." + s[n:]
    elif -6 < n <= 0:
        text = "0." + "0" * -n + s
    else:
        e = n - 1
        mantissa = s if k == 1 else s[0] + "." + s[1:]
        text = f"{mantissa}e{'+' if e >= 0 else '-'}{abs(e)}"
    return ("-" if sign else "") + text
