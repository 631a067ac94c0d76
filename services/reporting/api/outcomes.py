"""Outcomes against a comparison: schools without an officer, baselines, search ethnicity."""

from typing import Annotated, Any

from fastapi import Query
from ssp_contracts.events.common import TERM_PATTERN

from services.reporting.api.common import Explain, Format, borough_scope
from services.reporting.api.performance import Borough, Pool, Reader, answer
from services.reporting.queries import ethnicity, outcomes
from services.runtime.routing import ServiceRouter

router = ServiceRouter(prefix="/performance", tags=["performance"])


TermRequired = Annotated[str, Query(pattern=TERM_PATTERN, description="e.g. 2026-autumn")]


@router.get("/comparison")
async def comparison(
    principal: Reader,
    db: Pool,
    term: TermRequired,
    borough: Borough = None,
    format: Format = "json",
    explain: Explain = False,
) -> Any:
    """Indicator rates of SSP schools beside schools registered without an officer."""
    scope = borough_scope(principal, borough)
    return await answer(
        db, outcomes.comparison, format, "comparison", explain, _itself, borough=scope, term=term
    )


@router.get("/baseline")
async def baseline(
    principal: Reader,
    db: Pool,
    term: TermRequired,
    borough: Borough = None,
    format: Format = "json",
    explain: Explain = False,
) -> Any:
    """Each served school's rates beside its last term before its first deployment."""
    scope = borough_scope(principal, borough)
    return await answer(
        db, outcomes.baseline, format, "baseline", explain, _itself, borough=scope, term=term
    )


@router.get("/search-ethnicity")
async def search_ethnicity(
    principal: Reader,
    db: Pool,
    term: TermRequired,
    borough: Borough = None,
    format: Format = "json",
    explain: Explain = False,
) -> Any:
    """Share of searches by ethnic group beside the group's share of the schools' pupils."""
    scope = borough_scope(principal, borough)
    return await answer(
        db,
        ethnicity.search_ethnicity,
        format,
        "search-ethnicity",
        explain,
        ethnicity.inputs,
        borough=scope,
        term=term,
    )


async def _itself(conn: Any, **args: Any) -> list[dict[str, Any]]:
    """The per-school returns with their term end and school days (the rows summed)."""
    return [
        {**r, "term_end": r["term_end"].isoformat()}
        for r in await outcomes.returns(conn, args["borough"])
    ]
