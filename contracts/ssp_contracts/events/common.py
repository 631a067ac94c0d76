"""Field types shared by the payload models."""

import re
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import datetime, time
from typing import Annotated, Any

from pydantic import AfterValidator, Field
from pydantic_core import PydanticCustomError

# Pseudonymous references: a kind prefix and an opaque hex token, never a name.
PupilRef = Annotated[
    str,
    Field(
        pattern=r"^pupil-[0-9a-f]{12,64}$",
        max_length=70,
        description="Pseudonymous pupil reference; the owning service alone can resolve it",
    ),
]
PersonRef = Annotated[
    str,
    Field(
        pattern=r"^(pupil|staff|person)-[0-9a-f]{12,64}$",
        max_length=71,
        description="Pseudonymous reference to a person",
    ),
]

# Rules added to v1 contracts after events were already published: a writer keeps them (the
# services check every event inside ``producing()`` before they store it), while a reader
# still accepts the events recorded before, so that history replays as it was.
_producing: ContextVar[bool] = ContextVar("ssp_contracts_producing", default=False)
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


@contextmanager
def producing() -> Iterator[None]:
    """Within this block the writer-only rules apply (one printable line, times without offset)."""
    token = _producing.set(True)
    try:
        yield
    finally:
        _producing.reset(token)


def _printable(value: str) -> str:
    found = _CONTROL.search(value) if _producing.get() else None
    if found is not None:
        raise PydanticCustomError(
            "control-character",
            "must be one printable line, without control character U+{code}",
            {"code": f"{ord(found.group()):04X}"},
        )
    return value


def _no_offset(value: time) -> time:
    if _producing.get() and value.tzinfo is not None:
        raise PydanticCustomError("offset-not-allowed", "a local time of day carries no UTC offset")
    return value


def _on_the_hour(value: datetime) -> datetime:
    if _producing.get() and (value.minute, value.second, value.microsecond) != (0, 0, 0):
        raise PydanticCustomError(
            "hour-precision", "a search is published to the hour: minutes and seconds must be 0"
        )
    return value


PrintableLine = Annotated[str, AfterValidator(_printable)]
# Times of searches: the hour only, so that no event singles out a pupil searched at 10:37.
OnTheHour = Annotated[datetime, AfterValidator(_on_the_hour)]
LocalTime = Annotated[time, AfterValidator(_no_offset)]


def written_as(pattern: str) -> AfterValidator:
    """A writer's rule: within ``producing()`` the value is one printable line matching ``pattern``.

    The pattern goes into the JSON Schema through ``documented`` (it is what every event written
    since carries); events recorded before the rule, with a looser value, still read.
    """
    compiled = re.compile(pattern)

    def check(value: str) -> str:
        _printable(value)
        if _producing.get() and not compiled.match(value):
            raise PydanticCustomError(
                "string_pattern_mismatch", "must match {pattern}", {"pattern": pattern}
            )
        return value

    return AfterValidator(check)


def documented(pattern: str, max_length: int, description: str, min_length: int = 1) -> Any:
    """The Field of a ``written_as`` string: bounds, description and the writers' pattern."""
    return Field(
        min_length=min_length,
        max_length=max_length,
        description=description,
        json_schema_extra={"pattern": pattern},
    )


# Identifiers are tokens (letters, digits and . _ : -), never words: no name fits in one.
ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$"
# A borough's name or slug ("Waltham Forest", "waltham-forest"): letters, digits, . ' -
BOROUGH_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9 .'-]{0,63}$"
# Printable, one line: the shape of version-1 fields that are read but no longer written.
PRINTABLE_PATTERN = r"^[^\x00-\x1f\x7f-\x9f]*$"

SchoolId = Annotated[str, documented(ID_PATTERN, 64, "School identifier"), written_as(ID_PATTERN)]
OfficerId = Annotated[
    str, documented(ID_PATTERN, 64, "Pseudonymous officer identifier"), written_as(ID_PATTERN)
]
Borough = Annotated[
    str, documented(BOROUGH_PATTERN, 64, "London borough"), written_as(BOROUGH_PATTERN)
]
AggregateId = Annotated[
    str, documented(ID_PATTERN, 64, "Id of the aggregate (UUID)"), written_as(ID_PATTERN)
]
Reference = Annotated[
    str,
    documented(
        PRINTABLE_PATTERN,
        200,
        "Pseudonymous id of a person, or a property reference; one printable line"
        " (version-1 evidence events only: read for history, no longer written)",
    ),
    written_as(PRINTABLE_PATTERN),
]
TERM_PATTERN = r"^[0-9]{4}-(autumn|spring|summer)$"
Term = Annotated[
    str, Field(pattern=TERM_PATTERN, max_length=11, description="Term, e.g. 2025-autumn")
]
