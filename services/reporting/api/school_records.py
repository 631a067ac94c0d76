"""The school's own records as figures: allegations against staff, searches by school staff."""

from typing import Any

from services.reporting.api.performance import TermFigure
from services.reporting.queries import school_records
from services.runtime.routing import ServiceRouter

router = ServiceRouter(prefix="/performance", tags=["performance"])


@router.get("/allegations")
async def allegations(figure: TermFigure) -> Any:
    """Allegations against staff per school and term: recorded, referred, by outcome (counts
    only, restricted records included; the inputs name no record)."""
    return await figure.answer(
        school_records.allegations, "allegations", school_records.allegation_inputs
    )


@router.get("/school-searches")
async def school_searches(figure: TermFigure) -> Any:
    """Searches by school staff per school and term, beside the officers' own (apart)."""
    return await figure.answer(
        school_records.school_searches, "school-searches", school_records.search_inputs
    )
