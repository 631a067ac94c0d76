"""Field types shared by the payload models."""

from datetime import time
from typing import Annotated

from pydantic import AfterValidator, Field

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
# One line of printable text: no NUL, line break or other control character (C0, DEL, C1).
PRINTABLE = r"^[^\x00-\x1f\x7f-\x9f]*$"

SchoolId = Annotated[
    str, Field(min_length=1, max_length=64, pattern=PRINTABLE, description="School identifier")
]
OfficerId = Annotated[
    str,
    Field(
        min_length=1,
        max_length=64,
        pattern=PRINTABLE,
        description="Pseudonymous officer identifier",
    ),
]
Borough = Annotated[
    str, Field(min_length=1, max_length=64, pattern=PRINTABLE, description="London borough")
]
AggregateId = Annotated[
    str,
    Field(min_length=1, max_length=64, pattern=PRINTABLE, description="Id of the aggregate (UUID)"),
]
Reference = Annotated[
    str,
    Field(
        min_length=1,
        max_length=200,
        pattern=PRINTABLE,
        description="Pseudonymous id of a person, or a property reference; one printable line",
    ),
]
TERM_PATTERN = r"^[0-9]{4}-(autumn|spring|summer)$"
Term = Annotated[str, Field(pattern=TERM_PATTERN, description="Term, e.g. 2025-autumn")]


def _no_offset(value: time) -> time:
    if value.tzinfo is not None:
        raise ValueError("a local time of day carries no UTC offset")
    return value


LocalTime = Annotated[time, AfterValidator(_no_offset)]
