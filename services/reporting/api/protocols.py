"""Partnership protocols whose annual review is overdue, from staffing's events."""

from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import Query

from services.reporting.api.common import Format, borough_scope, csv_response
from services.reporting.api.performance import Borough, Pool, Reader
from services.runtime.clock import london_day
from services.runtime.inputs import Day
from services.runtime.paging import Paging
from services.runtime.paging_lists import page_list
from services.runtime.routing import ServiceRouter

router = ServiceRouter(prefix="/protocols", tags=["protocols"])

# "A review of the SSPO Partnership will take place at the end of each year." (Appendix 2)
OVERDUE = """
SELECT school_id, borough, version, signed_on, last_review_on, review_due,
       $1::date - review_due AS days_overdue
FROM ctx_protocols
WHERE review_due < $1::date AND ($2::text IS NULL OR borough = $2)
ORDER BY review_due, school_id
"""


@router.get("/overdue")
async def overdue_reviews(
    principal: Reader,
    db: Pool,
    paged: Paging,
    on: Annotated[Day | None, Query(description="Day to judge on; today")] = None,
    borough: Borough = None,
    format: Format = "json",
) -> Any:
    """Schools whose protocol's annual review was not held within a year of the last, longest
    overdue first (``since``: fallen due on or after)."""
    scope = borough_scope(principal, borough)
    async with db.acquire() as conn:
        day = on or london_day(datetime.now(UTC))
        found = [dict(r) for r in await conn.fetch(OVERDUE, day, scope)]
    # One row per school at most: the page is cut from the whole answer, as staffing's is.
    rows = page_list(paged, found, lambda r: r["review_due"], lambda r: r["school_id"])
    if format == "csv":
        answer = csv_response(rows, list(OVERDUE_COLUMNS), "protocols-overdue")
        # A returned response does not carry the page's headers: the next cursor goes too.
        answer.headers.update(paged.response.headers)
        return answer
    return rows


OVERDUE_COLUMNS = (
    "school_id", "borough", "version", "signed_on", "last_review_on", "review_due", "days_overdue",
)  # fmt: skip
