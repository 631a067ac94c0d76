"""Abstraction and ring-fencing figures, JSON or CSV, scoped to the caller's borough."""

from typing import Annotated, Any

import asyncpg
from fastapi import Depends, Query, Request

from services.reporting.api.common import (
    Explain,
    Format,
    borough_scope,
    check_explain,
    csv_response,
    pool,
)
from services.reporting.queries.abstraction import (
    COLUMNS,
    Level,
    PeriodKind,
    abstraction_rates,
    explain_rates,
)
from services.reporting.settings import ReportingSettings
from services.runtime.auth import Principal, allow
from services.runtime.domain import Forbidden
from services.runtime.endpoint import context_of
from services.runtime.inputs import Key, Text
from services.runtime.routing import ServiceRouter

router = ServiceRouter(tags=["abstraction"])


async def default_threshold(request: Request) -> float:
    """The configured ring-fence threshold (SSP_REPORTING_RING_FENCE_THRESHOLD)."""
    return context_of(request.app, ReportingSettings).ring_fence_threshold


@router.get("/abstraction")
async def abstraction(
    principal: Annotated[Principal, allow("read_abstraction")],
    db: Annotated[asyncpg.Pool, Depends(pool)],
    configured: Annotated[float, Depends(default_threshold)],
    level: Annotated[Level, Query(description="officer, school, borough or london")] = "borough",
    period: Annotated[PeriodKind, Query(description="week, month or term")] = "term",
    period_value: Annotated[
        Text | None,
        Query(max_length=16, description="One period, e.g. 2026-W45, 2026-11 or 2026-autumn"),
    ] = None,
    borough: Annotated[Key | None, Query(description="Only this borough")] = None,
    key: Annotated[Key | None, Query(description="Only this officer, school or borough")] = None,
    threshold: Annotated[
        float | None, Query(gt=0, le=1, description="Ring-fence rate threshold (default 0.10)")
    ] = None,
    format: Format = "json",
    explain: Explain = False,
) -> Any:
    """Rostered and abstracted hours, rates, ring-fenced officers and breaches per period."""
    scope = borough_scope(principal, borough)
    if level == "london" and principal.borough is not None:
        message = "London-wide figures are for London-wide roles, not one borough's"
        raise Forbidden("outside-scope", message, "level")
    async with db.acquire() as conn:
        rows = await abstraction_rates(
            conn,
            level=level,
            period=period,
            borough=scope,
            period_value=period_value,
            key=key,
            threshold=threshold or configured,
        )
        if explain:
            check_explain(format)
            inputs = await explain_rates(
                conn, level=level, period=period, borough=scope, period_value=period_value, key=key
            )
            return {"figures": rows, "inputs": inputs}
    if format == "csv":
        return csv_response(rows, COLUMNS, f"abstraction-{level}-{period}")
    return rows
