"""What the retention schedule shreds in a month, counted from the read models by record kind."""

from typing import Annotated, Any

import asyncpg
from fastapi import Depends, Query

from services.reporting.api.common import pool
from services.runtime.auth import Principal, allow
from services.runtime.retention import RetentionSchedule, month_bounds
from services.runtime.routing import ServiceRouter

router = ServiceRouter(prefix="/retention", tags=["retention"])

# (kind, table, time column, extra condition): the record and the time its period runs from.
SOURCES = (
    ("search", "perf_searches", "searched_at", "true"),
    ("incident", "perf_incidents", "occurred_at", "NOT coalesce(serious, false)"),
    ("serious_incident", "perf_incidents", "occurred_at", "coalesce(serious, false)"),
    ("arrest", "perf_arrests", "arrested_at", "true"),
    ("disclosure_request", "perf_disclosures", "submitted_at", "true"),
)
Month = Annotated[
    str, Query(pattern=r"^(19|20|21)[0-9]{2}-(0[1-9]|1[0-2])$", description="YYYY-MM")
]


@router.get("/due")
async def due(
    principal: Annotated[Principal, allow("read_retention")],
    db: Annotated[asyncpg.Pool, Depends(pool)],
    month: Month,
) -> dict[str, Any]:
    """Records whose retention period ends in ``month``, by kind: their subjects are shredded
    then unless a later record of the same subject keeps them."""
    start, end = month_bounds(month)
    schedule = RetentionSchedule()
    rows = []
    async with db.acquire() as conn:
        for kind, table, column, condition in SOURCES:
            years = schedule.years(kind)
            # The schedule's tables are the projections'; a fresh database may not have one yet.
            if await conn.fetchval("SELECT to_regclass($1)", table) is None:
                count = 0
            else:
                count = await conn.fetchval(
                    f"SELECT count(*) FROM {table} WHERE {condition}"
                    f" AND {column} >= $1::timestamptz - make_interval(years => $3)"
                    f" AND {column} < $2::timestamptz - make_interval(years => $3)",
                    start,
                    end,
                    years,
                )
            rows.append({"kind": kind, "years": years, "records": count})
    return {"month": month, "due": rows}
