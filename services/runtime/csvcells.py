"""CSV cells that a spreadsheet opens as text, never as a formula."""

from typing import Any

# A spreadsheet runs a cell that starts with one of these as a formula (CSV injection).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def defused(value: Any) -> Any:
    """``value`` unchanged, unless it is text a spreadsheet would run: then quoted as text."""
    if isinstance(value, str) and value.startswith(FORMULA_START) and not _number(value):
        return "'" + value
    return value


def _number(text: str) -> bool:
    # A signed number ("-0.02" as a longitude) is data, not a formula.
    try:
        float(text)
    except ValueError:
        return False
    return True
