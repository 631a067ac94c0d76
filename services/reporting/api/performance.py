"""Performance framework queries (Appendix 1 §5): outputs, outcomes, value for money."""

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Annotated, Any

import asyncpg
from fastapi import Depends, Query, Request
from ssp_contracts.events.common import TERM_PATTERN

from services.reporting.api.common import (
    Explain,
    Format,
    borough_scope,
    check_explain,
    csv_response,
    pool,
)
from services.reporting.queries import explainers, oversight, performance, value
from services.reporting.settings import ReportingSettings
from services.runtime.auth import Principal, allow
from services.runtime.endpoint import context_of
from services.runtime.inputs import Instant, Key
from services.runtime.routing import ServiceRouter

router = ServiceRouter(prefix="/performance", tags=["performance"])
Reader = Annotated[Principal, allow("read_performance")]
Pool = Annotated[asyncpg.Pool, Depends(pool)]
Borough = Annotated[Key | None, Query(description="Only this borough")]
Term = Annotated[
    str | None,
    Query(pattern=TERM_PATTERN, description="e.g. 2026-autumn"),
]
AsOf = Annotated[Instant | None, Query(description="Deadlines are judged at this time (now)")]
Query_ = Callable[..., Awaitable[Any]]


async def answer(
    db: asyncpg.Pool,
    query: Query_,
    format: str,
    name: str,
    explain: bool = False,
    inputs: Query_ | None = None,
    **args: Any,
) -> Any:
    """The rows of ``query`` as JSON or CSV; with ``explain``, the inputs behind them too."""
    async with db.acquire() as conn:
        rows = await query(conn, **args)
        if explain:
            check_explain(format)
            return {
                "figures": rows,
                "inputs": await (inputs or explainers.rows_of(name))(conn, **args),
            }
    if format == "csv":
        return csv_response(rows, list(rows[0]) if rows else [], name)
    return rows


@dataclass(frozen=True)
class TermFigures:
    """What every per-term figure takes (scope, term, format, explain) and how it answers."""

    db: asyncpg.Pool
    borough: str | None
    term: str | None
    format: str
    explain: bool

    async def answer(self, query: Query_, name: str, inputs: Query_ | None = None) -> Any:
        """The figure ``name`` from ``query``, as JSON or CSV, or with its inputs (``inputs``,
        else the explainer of ``name``)."""
        return await answer(
            self.db, query, self.format, name, self.explain, inputs,
            borough=self.borough, term=self.term,
        )  # fmt: skip


async def term_figures(
    principal: Reader,
    db: Pool,
    borough: Borough = None,
    term: Term = None,
    format: Format = "json",
    explain: Explain = False,
) -> TermFigures:
    """The FastAPI dependency (a coroutine: FastAPI would build a class in its thread pool)."""
    return TermFigures(db, borough_scope(principal, borough), term, format, explain)


TermFigure = Annotated[TermFigures, Depends(term_figures)]


def _as_of(as_of: datetime | None) -> datetime:
    return as_of or datetime.now(UTC)


@router.get("/incidents")
async def incident_rates(figure: TermFigure) -> Any:
    """Incidents per 1,000 pupils per school, term and category."""
    return await figure.answer(performance.incident_rates, "incidents")


@router.get("/outcomes")
async def school_outcomes(figure: TermFigure) -> Any:
    """Per school and term: share of incidents handled internally, arrests on premises."""
    return await figure.answer(performance.school_outcomes, "outcomes")


@router.get("/searches")
async def searches(figure: TermFigure) -> Any:
    """Searches by outcome and ethnicity, and the share linked to the object of search."""
    return await figure.answer(performance.searches, "searches")


@router.get("/activities")
async def activities(figure: TermFigure) -> Any:
    """The officers' recorded activities per school, term and kind: count, hours, pupils."""
    return await figure.answer(performance.activities, "activities")


@router.get("/indicators")
async def indicators(figure: TermFigure) -> Any:
    """Termly bullying, truancy and exclusions per school, with the change from last term."""
    return await figure.answer(performance.indicators, "indicators")


@router.get("/outstanding")
async def outstanding(
    principal: Reader,
    db: Pool,
    borough: Borough = None,
    format: Format = "json",
    explain: Explain = False,
) -> Any:
    """Head teacher and parent notifications still owed; evidence awaiting handover."""
    scope = borough_scope(principal, borough)
    return await answer(db, oversight.outstanding, format, "outstanding", explain, borough=scope)


@router.get("/disclosures")
async def disclosures(
    principal: Reader,
    db: Pool,
    borough: Borough = None,
    as_of: AsOf = None,
    format: Format = "json",
    explain: Explain = False,
) -> Any:
    """Disclosures by urgency: median and 90th-percentile turnaround, overdue confirmations."""
    scope = borough_scope(principal, borough)
    return await answer(
        db,
        oversight.disclosures,
        format,
        "disclosures",
        explain,
        borough=scope,
        as_of=_as_of(as_of),
    )


@router.get("/value-for-money")
async def value_for_money(
    request: Request,
    principal: Reader,
    db: Pool,
    term: Annotated[str, Query(pattern=TERM_PATTERN)],
    borough: Borough = None,
    as_of: AsOf = None,
    format: Format = "json",
    explain: Explain = False,
) -> Any:
    """Coverage and notional cost per school, pupil and incident dealt with, for one term."""
    scope = borough_scope(principal, borough)
    rates = value.rates_from(context_of(request.app, ReportingSettings).officer_rates)
    return await answer(
        db,
        oversight.value_for_money,
        format,
        "value-for-money",
        explain,
        explainers.value_inputs,
        borough=scope,
        term=term,
        as_of=_as_of(as_of),
        rates=rates,
    )
