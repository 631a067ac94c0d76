"""Field types shared by the payload models."""

from typing import Annotated

from pydantic import Field

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
SchoolId = Annotated[str, Field(min_length=1, max_length=64, description="School identifier")]
OfficerId = Annotated[
    str, Field(min_length=1, max_length=64, description="Pseudonymous officer identifier")
]
Borough = Annotated[str, Field(min_length=1, max_length=64, description="London borough")]
AggregateId = Annotated[str, Field(min_length=1, description="Id of the aggregate (UUID)")]
