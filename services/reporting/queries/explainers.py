"""The input rows behind each performance figure (``?explain=1``), by record id."""

from collections.abc import Awaitable, Callable
from datetime import date, datetime
from typing import Any

from services.reporting.projections.context import term_of
from services.reporting.queries import value
from services.reporting.queries.performance import ACTIVITY_DAY
from services.runtime.projection import Connection

Explainer = Callable[..., Awaitable[list[dict[str, Any]]]]
IN_SCOPE = "($1::text IS NULL OR s.borough = $1)"
IN_TERM = "($2::text IS NULL OR {term} = $2)"
INCIDENT_TERM = term_of("i.occurred_at::date", "s.borough")
SQL = {
    "incidents": f"""SELECT i.incident_id, i.school_id, s.borough, {INCIDENT_TERM} AS term,
            i.category, i.occurred_at, s.pupil_count
        FROM perf_incidents i LEFT JOIN ctx_schools s USING (school_id)
        WHERE i.category IS NOT NULL AND {IN_SCOPE} AND {IN_TERM.format(term=INCIDENT_TERM)}
        ORDER BY i.incident_id""",
    "outcomes": f"""SELECT 'incident' AS kind, i.incident_id AS id, i.school_id, s.borough,
            i.occurred_at AS at, i.handled_internally AS flag
        FROM perf_incidents i LEFT JOIN ctx_schools s USING (school_id)
        WHERE i.occurred_at IS NOT NULL AND {IN_SCOPE} AND {IN_TERM.format(term=INCIDENT_TERM)}
        UNION ALL
        SELECT 'arrest', a.arrest_id, a.school_id, s.borough, a.arrested_at, a.on_premises
        FROM perf_arrests a LEFT JOIN ctx_schools s USING (school_id)
        WHERE a.arrested_at IS NOT NULL AND {IN_SCOPE}
          AND {IN_TERM.format(term=term_of("a.arrested_at::date", "s.borough"))}
        ORDER BY 1, 2""",
    "searches": f"""SELECT x.search_id, x.school_id, s.borough, x.searched_at, x.outcome,
            x.self_defined_ethnicity, x.officer_defined_ethnicity, x.linked_to_object
        FROM perf_searches x LEFT JOIN ctx_schools s USING (school_id)
        WHERE x.searched_at IS NOT NULL AND {IN_SCOPE}
          AND {IN_TERM.format(term=term_of("x.searched_at::date", "s.borough"))}
        ORDER BY x.search_id""",
    "indicators": f"""SELECT n.*, s.borough, s.pupil_count, t.school_days
        FROM perf_indicators n LEFT JOIN ctx_schools s USING (school_id)
        LEFT JOIN ctx_terms t ON t.borough = s.borough AND t.term = n.term
        WHERE {IN_SCOPE} ORDER BY n.school_id, n.term""",
    "outstanding": """SELECT 'incident' AS kind, incident_id AS id, school_id FROM perf_incidents
            WHERE serious AND head_notified_at IS NULL
        UNION ALL SELECT 'arrest', arrest_id, school_id FROM perf_arrests
            WHERE arrested_at IS NOT NULL AND head_informed_at IS NULL
        UNION ALL SELECT 'search', search_id, school_id FROM perf_searches
            WHERE of_pupil AND parents_informed_at IS NULL
        UNION ALL SELECT 'evidence', item_id, school_id FROM perf_evidence
            WHERE holder = 'school_staff'
        ORDER BY 1, 2""",
    "activities": f"""SELECT a.activity_id, a.school_id, s.borough, a.officer_id, a.kind,
            a.started_at, a.minutes, a.pupils_reached, a.partners
        FROM perf_activities a LEFT JOIN ctx_schools s USING (school_id)
        WHERE NOT a.withdrawn AND a.started_at IS NOT NULL AND {IN_SCOPE}
          AND {IN_TERM.format(term=term_of(ACTIVITY_DAY, "s.borough"))}
        ORDER BY a.activity_id""",
    "disclosures": """SELECT request_id, borough, urgency, submitted_at, countersigned_at,
            decided_at, decision_due, confirmation_due, confirmed_at
        FROM perf_disclosures WHERE $1::text IS NULL OR borough = $1
        ORDER BY request_id""",
}


def rows_of(name: str) -> Explainer:
    """The explainer of figure ``name``: its input rows, in the figure's scope."""

    async def explain(conn: Connection, **args: Any) -> list[dict[str, Any]]:
        sql = SQL[name]
        params: list[Any] = [args.get("borough")]
        if "$2" in sql:
            params.append(args.get("term"))
        if name == "outstanding":
            sql = f"SELECT o.* FROM ({sql}) o LEFT JOIN ctx_schools s USING (school_id)"
            sql += f" WHERE {IN_SCOPE}"
        return [_plain(dict(r)) for r in await conn.fetch(sql, *params)]

    return explain


async def value_inputs(conn: Connection, **args: Any) -> dict[str, list[dict[str, Any]]]:
    """Deployments with their valid days, delivered hours and incidents dealt with."""
    return await value.inputs(conn, borough=args["borough"], term=args["term"], as_of=args["as_of"])


def _plain(r: dict[str, Any]) -> dict[str, Any]:
    return {k: v.isoformat() if isinstance(v, date | datetime) else v for k, v in r.items()}
