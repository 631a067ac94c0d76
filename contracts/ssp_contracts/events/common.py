"""Field types shared by the payload models."""

import re
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import datetime, time
from typing import Annotated

from pydantic import AfterValidator, Field
from pydantic_core import PydanticCustomError

# Pseudonymous references: a kind prefix and an opaque hex token, never a name.
PupilRef = Annotated[
    str,
    Field(
        pattern=r"^pupil-[0-9a-f]{12,64}$",
        description="Pseudonymous pupil reference; the owning service alone can resolve it",
    ),
]
PersonRef = Annotated[
    str,
    Field(
        pattern=r"^(pupil|staff|person)-[0-9a-f]{12,64}$",
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

SchoolId = Annotated[
    PrintableLine, Field(min_length=1, max_length=64, description="School identifier")
]
OfficerId = Annotated[
    PrintableLine,
    Field(min_length=1, max_length=64, description="Pseudonymous officer identifier"),
]
Borough = Annotated[PrintableLine, Field(min_length=1, max_length=64, description="London borough")]
AggregateId = Annotated[
    PrintableLine, Field(min_length=1, max_length=64, description="Id of the aggregate (UUID)")
]
Reference = Annotated[
    PrintableLine,
    Field(
        min_length=1,
        max_length=200,
        description="Pseudonymous id of a person, or a property reference; one printable line",
    ),
]
TERM_PATTERN = r"^[0-9]{4}-(autumn|spring|summer)$"
Term = Annotated[str, Field(pattern=TERM_PATTERN, description="Term, e.g. 2025-autumn")]
