"""Small aggregate queries behind the view gauges."""

from datetime import datetime
from typing import Any

from services.reporting.projections.context import term_of
from services.runtime.clock import london_day
from services.runtime.projection import Connection


async def current_term(conn: Connection, now: datetime) -> str:
    """The term ``now`` falls in (London calendar convention when no borough calendar)."""
    term: str = await conn.fetchval(f"SELECT {term_of('$1::date', 'NULL::text')}", london_day(now))
    return term


async def scalar_rows(conn: Connection, term: str) -> list[tuple[str, dict[str, str], Any]]:
    """Per-borough incident, internal-handling and arrest counts for ``term``."""
    incident_term = term_of("i.occurred_at::date", "s.borough")
    arrest_term = term_of("a.arrested_at::date", "s.borough")
    out: list[tuple[str, dict[str, str], Any]] = []
    rows = await conn.fetch(
        f"""SELECT COALESCE(s.borough, 'unknown') AS borough, i.category, count(*) AS n,
                   count(*) FILTER (WHERE i.handled_internally) AS internal
            FROM perf_incidents i LEFT JOIN ctx_schools s USING (school_id)
            WHERE i.occurred_at IS NOT NULL AND {incident_term} = $1 GROUP BY 1, 2""",
        term,
    )
    internal: dict[str, int] = {}
    for r in rows:
        out.append(
            ("ssp_view_incidents", {"borough": r["borough"], "category": r["category"]}, r["n"])
        )
        internal[r["borough"]] = internal.get(r["borough"], 0) + r["internal"]
    for borough, n in internal.items():
        out.append(("ssp_view_incidents_handled_internally", {"borough": borough}, n))
    for r in await conn.fetch(
        f"""SELECT COALESCE(s.borough, 'unknown') AS borough, count(*) AS n
            FROM perf_arrests a LEFT JOIN ctx_schools s USING (school_id)
            WHERE a.on_premises AND {arrest_term} = $1 GROUP BY 1""",
        term,
    ):
        out.append(("ssp_view_arrests_on_premises", {"borough": r["borough"]}, r["n"]))
    return out
