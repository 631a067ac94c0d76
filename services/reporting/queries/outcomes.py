"""Outcomes against a comparison: schools without an officer, and each school's own past.

Comparison group: schools registered in staffing with no deployment valid on any day of
the term. Baseline: a served school's indicator return for the latest term that ended
before its first deployment began. Both compare the indicator rates of performance.py
(per 1,000 pupils per school day, per possible session), summed over schools, so a large
school weighs as its pupils do. Incidents are not compared: they are recorded by the
officers, so schools without one have none to count.
"""

from collections import defaultdict
from typing import Any

from services.reporting.queries.performance import TERM_RANK
from services.reporting.queries.value import convention
from services.runtime.projection import Connection

# The term's last day: the borough's calendar, else the convention (31 Mar, 31 Aug, 31 Dec).
TERM_END = (
    "COALESCE((SELECT t.ends_on FROM ctx_terms t WHERE t.borough = s.borough AND t.term = n.term),"
    " make_date(split_part(n.term, '-', 1)::int, CASE split_part(n.term, '-', 2)"
    " WHEN 'spring' THEN 3 WHEN 'summer' THEN 8 ELSE 12 END, 31))"
)
RETURNS = f"""
SELECT n.school_id, s.borough, n.term, {TERM_RANK.replace("term", "n.term")} AS rank,
       {TERM_END} AS term_end, s.pupil_count AS pupils, n.bullying, n.fixed_term_exclusions,
       n.truancy_sessions, n.possible_sessions,
       COALESCE((SELECT t.school_days FROM ctx_terms t
                 WHERE t.borough = s.borough AND t.term = n.term),
                n.possible_sessions / NULLIF(2 * s.pupil_count, 0)) AS school_days
FROM perf_indicators n JOIN ctx_schools s USING (school_id)
WHERE $1::text IS NULL OR s.borough = $1
"""
SERVED = """
WITH bounds AS (
    SELECT b.borough, COALESCE(t.starts_on, $2::date) AS starts_on,
           COALESCE(t.ends_on, $3::date) AS ends_on
    FROM (SELECT DISTINCT borough FROM ctx_schools) b
    LEFT JOIN ctx_terms t ON t.borough = b.borough AND t.term = $1
)
SELECT DISTINCT sch AS school_id
FROM ctx_deployments d CROSS JOIN unnest(d.school_ids) AS sch JOIN bounds b USING (borough)
WHERE d.start_date <= b.ends_on
  AND LEAST(COALESCE(d.ended_on, 'infinity'), COALESCE(d.tenure_end, 'infinity')) >= b.starts_on
"""
FIRST_DEPLOYED = """
SELECT sch AS school_id, min(d.start_date) AS first_deployed
FROM ctx_deployments d CROSS JOIN unnest(d.school_ids) AS sch
WHERE d.start_date IS NOT NULL GROUP BY 1
"""


def rates(rows: list[dict[str, Any]]) -> dict[str, float | None]:
    """Indicator rates of summed returns: per 1,000 pupils per school day, per session."""
    pupil_days = sum((r["pupils"] or 0) * (r["school_days"] or 0) for r in rows)
    sessions = [r for r in rows if r["possible_sessions"]]
    possible = sum(r["possible_sessions"] for r in sessions)

    def per(n: float, d: float, k: float) -> float | None:
        return round(n * k / d, 6) if d else None

    return {
        "bullying_per_1000_pupils_per_day": per(sum(r["bullying"] for r in rows), pupil_days, 1000),
        "fixed_term_exclusions_per_1000_pupils_per_day": per(
            sum(r["fixed_term_exclusions"] for r in rows), pupil_days, 1000
        ),
        "unauthorised_absence_rate": per(sum(r["truancy_sessions"] for r in sessions), possible, 1),
    }


async def returns(conn: Connection, borough: str | None) -> list[dict[str, Any]]:
    """Every indicator return with its school's pupils, term end and school days."""
    return [dict(r) for r in await conn.fetch(RETURNS, borough)]


async def comparison(conn: Connection, *, borough: str | None, term: str) -> list[dict[str, Any]]:
    """Per borough (and London): indicator rates of SSP schools and of the comparison group."""
    start, end = convention(term)
    served = {r["school_id"] for r in await conn.fetch(SERVED, term, start, end)}
    groups: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
    for r in await returns(conn, borough):
        if r["term"] != term:
            continue
        group = "ssp" if r["school_id"] in served else "comparison"
        for area in (r["borough"],) if borough else (r["borough"], "London"):
            groups[area, group].append(r)
    return [
        {
            "area": area,
            "group": group,
            "term": term,
            "schools": len(rows),
            "pupils": sum(r["pupils"] for r in rows),
            **rates(rows),
            "school_ids": sorted(r["school_id"] for r in rows),
        }
        for (area, group), rows in sorted(
            groups.items(), key=lambda kv: (kv[0][0] == "London", kv[0])
        )
    ]


async def baseline(conn: Connection, *, borough: str | None, term: str) -> list[dict[str, Any]]:
    """Per served school: this term's rates beside its last term before the first deployment."""
    first = {r["school_id"]: r["first_deployed"] for r in await conn.fetch(FIRST_DEPLOYED)}
    by_school: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for r in await returns(conn, borough):
        by_school[r["school_id"]].append(r)
    out = []
    for school_id, school_returns in sorted(by_school.items()):
        now = next((r for r in school_returns if r["term"] == term), None)
        started = first.get(school_id)
        if now is None or started is None:
            continue
        before = [r for r in school_returns if r["term_end"] < started]
        base = max(before, key=lambda r: r["rank"]) if before else None
        now_rates = rates([now])
        base_rates = rates([base]) if base else dict.fromkeys(now_rates)
        out.append(
            {
                "school_id": school_id,
                "borough": now["borough"],
                "term": term,
                "first_deployed": started.isoformat(),
                "baseline_term": base["term"] if base else None,
                **now_rates,
                **{f"{k}_baseline": v for k, v in base_rates.items()},
                **{
                    f"{k}_change_on_baseline": _change(v, base_rates[k])
                    for k, v in now_rates.items()
                },
            }
        )
    return out


def _change(now: float | None, before: float | None) -> float | None:
    return None if now is None or before is None else round(now - before, 6)
