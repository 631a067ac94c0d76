"""Input types every service's request models and parameters use: refused at the door with 422.

Each refusal is a pydantic error whose type names the rule (``timezone-required``,
``date-out-of-range``, ``offset-not-allowed``, ``control-character``); the runtime's handler
turns it into the usual ``{"rule", "message", "field"}`` answer.
"""

import re
from datetime import date, datetime, time
from typing import Annotated

from fastapi import Path, Query
from pydantic import AfterValidator, Field
from pydantic_core import PydanticCustomError

# A calendar window no real record falls outside; beyond it arithmetic and timezones overflow.
EARLIEST = date(1900, 1, 1)
LATEST = date(2100, 12, 31)

# C0 and C1 controls and DEL. Free text may hold tab and line breaks, nothing else of these.
_CONTROLS = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_CONTROLS_BUT_LINES = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def _refuse_controls(pattern: re.Pattern[str], value: str) -> str:
    found = pattern.search(value)
    if found is not None:
        raise PydanticCustomError(
            "control-character",
            "must not contain control character U+{code} at position {at}",
            {"code": f"{ord(found.group()):04X}", "at": found.start()},
        )
    return value


def single_line(value: str) -> str:
    """Refuse NUL, line breaks and every other control character."""
    return _refuse_controls(_CONTROLS, value)


def free_text(value: str) -> str:
    """Refuse NUL and control characters other than tab and line breaks."""
    return _refuse_controls(_CONTROLS_BUT_LINES, value)


def day_in_window(value: date) -> date:
    """Refuse a date outside 1900-2100."""
    if not EARLIEST <= value <= LATEST:
        raise PydanticCustomError(
            "date-out-of-range",
            "must fall between {earliest} and {latest}",
            {"earliest": EARLIEST.isoformat(), "latest": LATEST.isoformat()},
        )
    return value


def aware_in_window(value: datetime) -> datetime:
    """Refuse a naive datetime, or one outside 1900-2100."""
    if value.tzinfo is None or value.utcoffset() is None:
        raise PydanticCustomError("timezone-required", "must include a timezone")
    day_in_window(value.date())
    return value


def naive_time(value: time) -> time:
    """Refuse a time of day that carries a UTC offset: times of day are London local time."""
    if value.tzinfo is not None:
        raise PydanticCustomError(
            "offset-not-allowed", "is a London local time of day and must carry no UTC offset"
        )
    return value


# Documented in OpenAPI too, so that generated requests (fuzzing, clients) know the rule.
Text = Annotated[
    str,
    AfterValidator(single_line),
    Field(json_schema_extra={"pattern": r"^[^\x00-\x1f\x7f-\x9f]*$"}),
]
"""One line of text: names, references, ids."""

FreeText = Annotated[
    str,
    AfterValidator(free_text),
    Field(json_schema_extra={"pattern": r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]*$"}),
]
"""Genuine free text (descriptions, reasons, notes): line breaks and tabs allowed."""

Instant = Annotated[datetime, AfterValidator(aware_in_window)]
"""A moment: timezone-aware, between 1900 and 2100."""

Day = Annotated[date, AfterValidator(day_in_window)]
"""A calendar date between 1900 and 2100."""

TimeOfDay = Annotated[time, AfterValidator(naive_time)]
"""A London local time of day, without offset."""

# Query and path parameters: ids and filters, one line, bounded.
Key = Annotated[Text, Field(min_length=1, max_length=64)]
KeyQuery = Annotated[Key | None, Query(min_length=1, max_length=64)]
KeyPath = Annotated[Text, Path(min_length=1, max_length=64)]
FilterQuery = Annotated[Text | None, Query(min_length=1, max_length=200)]
