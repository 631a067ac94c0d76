"""Performance framework, outputs: incidents, internal handling, arrests, searches, indicators."""

import json
from typing import Any

from services.reporting.projections.context import term_of
from services.runtime.projection import Connection

INCIDENT_TERM = term_of("i.occurred_at::date", "s.borough")
# Terms in order: 2026-spring < 2026-summer < 2026-autumn < 2027-spring.
TERM_RANK = (
    "(split_part(term, '-', 1)::int * 3 + CASE split_part(term, '-', 2)"
    " WHEN 'spring' THEN 0 WHEN 'summer' THEN 1 ELSE 2 END)"
)
SCOPE = "($1::text IS NULL OR s.borough = $1)"


async def incident_rates(
    conn: Connection, *, borough: str | None, term: str | None
) -> list[dict[str, Any]]:
    """Incidents per 1,000 pupils per school, term and category."""
    rows = await conn.fetch(
        f"""SELECT * FROM (
              SELECT i.school_id, s.borough, {INCIDENT_TERM} AS term, i.category,
                     count(*) AS incidents, s.pupil_count,
                     round(count(*) * 1000.0 / NULLIF(s.pupil_count, 0), 2)::float
                         AS per_1000_pupils
              FROM perf_incidents i LEFT JOIN ctx_schools s USING (school_id)
              WHERE i.category IS NOT NULL AND {SCOPE}
              GROUP BY 1, 2, 3, 4, 6) x
            WHERE $2::text IS NULL OR term = $2
            ORDER BY term, borough, school_id, category""",
        borough,
        term,
    )
    return [dict(r) for r in rows]


async def school_outcomes(
    conn: Connection, *, borough: str | None, term: str | None
) -> list[dict[str, Any]]:
    """Per school and term: incidents, share handled internally, arrests on premises."""
    rows = await conn.fetch(
        f"""WITH inc AS (
              SELECT i.school_id, s.borough, {INCIDENT_TERM} AS term,
                     count(*) AS incidents,
                     count(*) FILTER (WHERE i.handled_internally) AS handled_internally
              FROM perf_incidents i LEFT JOIN ctx_schools s USING (school_id)
              WHERE i.occurred_at IS NOT NULL AND {SCOPE} GROUP BY 1, 2, 3
            ), arr AS (
              SELECT a.school_id, s.borough, {term_of("a.arrested_at::date", "s.borough")} AS term,
                     count(*) AS arrests, count(*) FILTER (WHERE a.on_premises) AS on_premises
              FROM perf_arrests a LEFT JOIN ctx_schools s USING (school_id)
              WHERE a.arrested_at IS NOT NULL AND {SCOPE} GROUP BY 1, 2, 3
            )
            SELECT school_id, borough, term, COALESCE(incidents, 0) AS incidents,
                   COALESCE(handled_internally, 0) AS handled_internally,
                   round(handled_internally::numeric / NULLIF(incidents, 0), 4)::float
                       AS internal_share,
                   COALESCE(arrests, 0) AS arrests,
                   COALESCE(on_premises, 0) AS arrests_on_premises
            FROM inc FULL JOIN arr USING (school_id, borough, term)
            WHERE $2::text IS NULL OR term = $2
            ORDER BY term, borough, school_id""",
        borough,
        term,
    )
    return [dict(r) for r in rows]


async def searches(
    conn: Connection, *, borough: str | None, term: str | None
) -> list[dict[str, Any]]:
    """Per borough and term: searches by outcome and ethnicity, share linked to the object."""
    search_term = term_of("x.searched_at::date", "s.borough")
    rows = await conn.fetch(
        f"""WITH x AS (
              SELECT x.*, s.borough, {search_term} AS term
              FROM perf_searches x LEFT JOIN ctx_schools s USING (school_id)
              WHERE x.searched_at IS NOT NULL AND {SCOPE}
            ), by AS (
              SELECT borough, term, 'outcome' AS dim, outcome AS value, count(*) AS n
                FROM x GROUP BY 1, 2, 4
              UNION ALL SELECT borough, term, 'self', self_defined_ethnicity, count(*)
                FROM x GROUP BY 1, 2, 4
              UNION ALL SELECT borough, term, 'officer', officer_defined_ethnicity, count(*)
                FROM x GROUP BY 1, 2, 4
            )
            SELECT t.borough, t.term, t.searches, t.linked,
                   round(t.linked::numeric / t.searches, 4)::float AS linked_share,
                   (SELECT jsonb_object_agg(dim || ':' || value, n) FROM by
                    WHERE by.borough IS NOT DISTINCT FROM t.borough AND by.term = t.term)
                       AS breakdown
            FROM (SELECT borough, term, count(*) AS searches,
                         count(*) FILTER (WHERE linked_to_object) AS linked
                  FROM x GROUP BY 1, 2) t
            WHERE $2::text IS NULL OR t.term = $2
            ORDER BY t.term, t.borough""",
        borough,
        term,
    )
    return [_split_breakdown(dict(r)) for r in rows]


def _split_breakdown(row: dict[str, Any]) -> dict[str, Any]:
    raw = row.pop("breakdown")
    counts: dict[str, int] = json.loads(raw) if isinstance(raw, str) else raw or {}
    for dim, name in (
        ("outcome", "by_outcome"),
        ("self", "by_self_defined_ethnicity"),
        ("officer", "by_officer_defined_ethnicity"),
    ):
        prefix = dim + ":"
        row[name] = {k[len(prefix) :]: v for k, v in sorted(counts.items()) if k.startswith(prefix)}
    return row


# Rates that compare across terms of different length and schools of different size.
RATES = {
    "bullying_per_1000_pupils_per_day": "n.bullying * 1000.0 / NULLIF(s.pupil_count * d.days, 0)",
    "fixed_term_exclusions_per_1000_pupils_per_day": (
        "n.fixed_term_exclusions * 1000.0 / NULLIF(s.pupil_count * d.days, 0)"
    ),
    "permanent_exclusions_per_1000_pupils_per_day": (
        "n.permanent_exclusions * 1000.0 / NULLIF(s.pupil_count * d.days, 0)"
    ),
    "unauthorised_absence_rate": "n.truancy_sessions::float / NULLIF(n.possible_sessions, 0)",
    "authorised_absence_rate": (
        "n.authorised_absence_sessions::float / NULLIF(n.possible_sessions, 0)"
    ),
}
INDICATOR_RATES = f"""
SELECT n.school_id, s.borough, n.term, {TERM_RANK.replace("term", "n.term")} AS rank,
       n.revision, n.bullying, n.truancy_sessions, n.fixed_term_exclusions,
       n.permanent_exclusions, n.possible_sessions, n.authorised_absence_sessions,
       s.pupil_count, d.days AS school_days,
       {", ".join(f"({sql})::float AS {name}" for name, sql in RATES.items())}
FROM perf_indicators n LEFT JOIN ctx_schools s USING (school_id)
-- School days: the borough's calendar, else the sessions returned (two a day per pupil).
CROSS JOIN LATERAL (SELECT COALESCE(
    (SELECT t.school_days FROM ctx_terms t WHERE t.borough = s.borough AND t.term = n.term),
    n.possible_sessions / NULLIF(2 * s.pupil_count, 0)) AS days) d
WHERE {SCOPE}
"""


async def indicators(
    conn: Connection, *, borough: str | None, term: str | None
) -> list[dict[str, Any]]:
    """Termly indicators per school as rates, with the change on last term and last year."""
    changes = ", ".join(
        f"x.{m} - p.{m} AS {m}_change_on_last_term, x.{m} - y.{m} AS {m}_change_on_last_year"
        for m in RATES
    )
    rows = await conn.fetch(
        f"""WITH r AS ({INDICATOR_RATES})
            SELECT x.*, {changes}
            FROM r x
            LEFT JOIN r p ON p.school_id = x.school_id AND p.rank = x.rank - 1
            LEFT JOIN r y ON y.school_id = x.school_id AND y.rank = x.rank - 3
            WHERE $2::text IS NULL OR x.term = $2
            ORDER BY x.term, x.borough, x.school_id""",
        borough,
        term,
    )
    return [_rounded(dict(r)) for r in rows]


def _rounded(row: dict[str, Any]) -> dict[str, Any]:
    row.pop("rank")
    return {k: round(v, 6) if isinstance(v, float) else v for k, v in row.items()}


# The London day of an activity: a lesson at 00:30 BST on 1 September is autumn's.
ACTIVITY_DAY = "(a.started_at AT TIME ZONE 'Europe/London')::date"
ACTIVITY_TERM = term_of(ACTIVITY_DAY, "s.borough")


async def activities(
    conn: Connection, *, borough: str | None, term: str | None
) -> list[dict[str, Any]]:
    """Per school, term and kind: the officers' recorded activities (withdrawn ones out)."""
    rows = await conn.fetch(
        f"""SELECT * FROM (
              SELECT a.school_id, s.borough, {ACTIVITY_TERM} AS term, a.kind,
                     count(*) AS activities,
                     round(sum(a.minutes) / 60.0, 2)::float AS hours,
                     COALESCE(sum(a.pupils_reached), 0) AS pupils_reached,
                     count(*) FILTER (WHERE cardinality(a.partners) > 0) AS with_partners
              FROM perf_activities a LEFT JOIN ctx_schools s USING (school_id)
              WHERE NOT a.withdrawn AND a.started_at IS NOT NULL AND {SCOPE}
              GROUP BY 1, 2, 3, 4) x
            WHERE $2::text IS NULL OR term = $2
            ORDER BY term, borough, school_id, kind""",
        borough,
        term,
    )
    return [dict(r) for r in rows]
