"""The rows a CSV import accepts, and how a bad row is reported."""

from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, Field
from ssp_contracts.events.staffing import PanelRole, Phase, Programme, Rank

from services.runtime.inputs import Day, Text, TimeOfDay

SLUG = r"^[A-Za-z0-9][A-Za-z0-9-]{0,63}$"
TERM = r"^[0-9]{4}-(autumn|spring|summer)$"


def _blank_is_none(value: Any) -> Any:
    return None if value == "" else value


def _split(value: Any) -> Any:
    return [v.strip() for v in value.split(";") if v.strip()] if isinstance(value, str) else value


class SchoolRow(BaseModel):
    """One school per row."""

    school_id: str = Field(pattern=SLUG)
    name: Text = Field(min_length=1, max_length=200)
    borough: str = Field(pattern=SLUG)
    phase: Phase
    pupil_count: int = Field(ge=0, le=10000)
    programme: Programme
    protocol_signed_on: Annotated[Day | None, BeforeValidator(_blank_is_none)] = None


class OfficerRow(BaseModel):
    """One officer per row; the panel's roles separated by semicolons."""

    officer_id: str = Field(pattern=SLUG)
    rank: Rank
    borough: str = Field(pattern=SLUG)
    selection_panel: Annotated[
        list[PanelRole],
        BeforeValidator(_split),
        Field(min_length=1),
    ]


class ShiftRow(BaseModel):
    """One shift per row; the rows of an officer and term make one roster."""

    officer_id: str = Field(pattern=SLUG)
    term: str = Field(pattern=TERM)
    date: Day
    start: TimeOfDay
    hours: float = Field(gt=0, le=12)


class RowError(BaseModel):
    """Why one line of the file cannot be imported."""

    line: int = Field(description="Line number in the file; the header is line 1")
    field: str | None = Field(description="Column at fault, if one is")
    reason: str


class ImportRejected(Exception):
    """The file has bad rows; nothing was imported."""

    def __init__(self, errors: list[RowError]) -> None:
        super().__init__(f"{len(errors)} bad rows")
        self.errors = errors
