"""What schools keep as their own, counted per school and term: allegations against staff and
searches by school staff (beside the officers' searches, never among them).

Allegations are restricted records: the figures are counts only, restricted ones included, and
their inputs (``?explain=1``) name no record, only what each was counted as.
"""

import json
from typing import Any

from services.reporting.projections.context import term_of
from services.reporting.queries.performance import INCIDENT_TERM, SCOPE
from services.runtime.projection import Connection

SEARCH_TERM = term_of("x.searched_at::date", "s.borough")
IN_TERM = "($2::text IS NULL OR term = $2)"

ALLEGATION_INPUTS = f"""
SELECT i.school_id, s.borough, {INCIDENT_TERM} AS term, COALESCE(i.referred, false) AS referred,
       COALESCE(i.outcome, 'open') AS outcome
FROM perf_incidents i LEFT JOIN ctx_schools s USING (school_id)
WHERE i.against_staff AND i.occurred_at IS NOT NULL AND {SCOPE}
"""


async def allegations(
    conn: Connection, *, borough: str | None, term: str | None
) -> list[dict[str, Any]]:
    """Per school and term: allegations against staff recorded, referred, and by outcome."""
    rows = await conn.fetch(
        f"""WITH a AS ({ALLEGATION_INPUTS}),
            by AS (SELECT school_id, term, outcome, count(*) AS n FROM a GROUP BY 1, 2, 3)
            SELECT a.school_id, a.borough, a.term, count(*) AS recorded,
                   count(*) FILTER (WHERE a.referred) AS referred,
                   count(*) FILTER (WHERE a.outcome = 'open') AS open,
                   (SELECT jsonb_object_agg(by.outcome, by.n) FROM by
                    WHERE by.school_id = a.school_id AND by.term = a.term) AS by_outcome
            FROM a WHERE {IN_TERM}
            GROUP BY 1, 2, 3 ORDER BY a.term, a.borough, a.school_id""",
        borough,
        term,
    )
    return [_outcomes(dict(r)) for r in rows]


def _outcomes(row: dict[str, Any]) -> dict[str, Any]:
    raw = row["by_outcome"]
    counts: dict[str, int] = json.loads(raw) if isinstance(raw, str) else raw or {}
    row["by_outcome"] = dict(sorted(counts.items()))
    return row


async def allegation_inputs(conn: Connection, **args: Any) -> list[dict[str, Any]]:
    """What each allegation was counted as (school, term, referred, outcome): no record id."""
    rows = await conn.fetch(
        f"""SELECT * FROM ({ALLEGATION_INPUTS}) a WHERE {IN_TERM}
            ORDER BY term, school_id, referred, outcome""",
        args.get("borough"),
        args.get("term"),
    )
    return [dict(r) for r in rows]


SEARCH_INPUTS = f"""
SELECT 'school' AS searched_by, x.search_id, x.school_id, s.borough, {SEARCH_TERM} AS term,
       x.of_pupil
FROM perf_school_searches x LEFT JOIN ctx_schools s USING (school_id)
WHERE x.searched_at IS NOT NULL AND {SCOPE}
UNION ALL
SELECT 'police', x.search_id, x.school_id, s.borough, {SEARCH_TERM}, x.of_pupil
FROM perf_searches x LEFT JOIN ctx_schools s USING (school_id)
WHERE x.searched_at IS NOT NULL AND {SCOPE}
"""


async def school_searches(
    conn: Connection, *, borough: str | None, term: str | None
) -> list[dict[str, Any]]:
    """Per school and term: searches by school staff (the school's record) and, apart, by the
    officers (the police record, the only ones in stop-and-search)."""
    rows = await conn.fetch(
        f"""SELECT school_id, borough, term,
                   count(*) FILTER (WHERE searched_by = 'school') AS school_searches,
                   count(*) FILTER (WHERE searched_by = 'school' AND of_pupil)
                       AS school_searches_of_pupils,
                   count(*) FILTER (WHERE searched_by = 'police') AS police_searches
            FROM ({SEARCH_INPUTS}) x WHERE {IN_TERM}
            GROUP BY 1, 2, 3 ORDER BY term, borough, school_id""",
        borough,
        term,
    )
    return [dict(r) for r in rows]


async def search_inputs(conn: Connection, **args: Any) -> list[dict[str, Any]]:
    """Each search behind the figures, by whom it was made (searches are not restricted)."""
    rows = await conn.fetch(
        f"SELECT * FROM ({SEARCH_INPUTS}) x WHERE {IN_TERM} ORDER BY searched_by, search_id",
        args.get("borough"),
        args.get("term"),
    )
    return [dict(r) for r in rows]
