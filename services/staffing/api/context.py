"""The staffing service's typed context and the id types every router shares."""

from dataclasses import dataclass
from typing import Annotated

from fastapi import Path, Request
from pydantic import Field
from ssp_contracts.events.common import TERM_PATTERN

from services.runtime.clock import Clock
from services.runtime.endpoint import context_of
from services.staffing.application import StaffingApplication

# Ids are slugs: a name with spaces cannot pass for a pseudonymous id.
SLUG = r"^[A-Za-z0-9][A-Za-z0-9-]{0,63}$"
TERM = TERM_PATTERN
SchoolId = Annotated[str, Field(pattern=SLUG, description="School identifier")]
OfficerId = Annotated[str, Field(pattern=SLUG, description="Pseudonymous officer identifier")]
Borough = Annotated[str, Field(pattern=SLUG, description="London borough, e.g. waltham-forest")]
Term = Annotated[str, Field(pattern=TERM, description="Term, e.g. 2025-autumn")]
SchoolPath = Annotated[str, Path(pattern=SLUG, description="School identifier")]
OfficerPath = Annotated[str, Path(pattern=SLUG, description="Pseudonymous officer identifier")]
BoroughPath = Annotated[str, Path(pattern=SLUG, description="London borough")]
TermPath = Annotated[str, Path(pattern=TERM, description="Term, e.g. 2025-autumn")]


@dataclass
class StaffingContext:
    """What the staffing endpoints reach: the store (with its lookups) and the clock."""

    application: StaffingApplication
    clock: Clock


async def staffing(request: Request) -> StaffingApplication:
    """The service's application (FastAPI dependency)."""
    return context_of(request.app, StaffingContext).application
