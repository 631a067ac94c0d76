"""Searches by ethnicity beside the ethnicity of the pupils of the same schools.

Both sides use the five broad groups of search records (White, Black, Asian, Mixed, Other):
a search by the person's self-defined ethnicity mapped to its group ("Not stated" is left
out of the shares), the population from each school's census in staffing. Only schools
with a census count, on both sides, so like is compared with like. The ratio is the
group's share of searches over its share of pupils: 1 is proportionate.
"""

from collections import Counter, defaultdict
from typing import Any

from services.reporting.projections.context import term_of
from services.runtime.projection import Connection

GROUP = """CASE
    WHEN x.self_defined_ethnicity LIKE 'White%' THEN 'White'
    WHEN x.self_defined_ethnicity LIKE 'Mixed%' THEN 'Mixed'
    WHEN x.self_defined_ethnicity LIKE 'Asian%' THEN 'Asian'
    WHEN x.self_defined_ethnicity LIKE 'Black%' THEN 'Black'
    WHEN x.self_defined_ethnicity LIKE '%Not stated' THEN NULL
    ELSE 'Other' END"""
SEARCHES = f"""
SELECT x.search_id, x.school_id, s.borough, {GROUP} AS ethnic_group
FROM perf_searches x JOIN ctx_schools s USING (school_id)
JOIN ctx_school_census c USING (school_id)
WHERE x.searched_at IS NOT NULL AND ($1::text IS NULL OR s.borough = $1)
  AND {term_of("x.searched_at::date", "s.borough")} = $2
ORDER BY x.search_id
"""
CENSUS = """
SELECT c.school_id, s.borough, c.census_date, g.key AS ethnic_group, g.value::int AS pupils
FROM ctx_school_census c JOIN ctx_schools s USING (school_id)
CROSS JOIN jsonb_each_text(c.pupils_by_ethnicity) AS g
WHERE $1::text IS NULL OR s.borough = $1
ORDER BY c.school_id, g.key
"""
GROUPS = ("White", "Black", "Asian", "Mixed", "Other")


async def inputs(conn: Connection, *, borough: str | None, term: str) -> dict[str, Any]:
    """The searches (by group) and census counts behind the comparison."""
    searches = [dict(r) for r in await conn.fetch(SEARCHES, borough, term)]
    census = [
        {**dict(r), "census_date": r["census_date"].isoformat()}
        for r in await conn.fetch(CENSUS, borough)
    ]
    return {"searches": searches, "census": census}


async def search_ethnicity(
    conn: Connection, *, borough: str | None, term: str
) -> list[dict[str, Any]]:
    """Per borough (and London) and group: share of searches, share of pupils, their ratio."""
    facts = await inputs(conn, borough=borough, term=term)
    searched: dict[str, Counter[str]] = defaultdict(Counter)
    pupils: dict[str, Counter[str]] = defaultdict(Counter)
    areas = (lambda b: (b,)) if borough else (lambda b: (b, "London"))
    for x in facts["searches"]:
        for area in areas(x["borough"]):
            searched[area][x["ethnic_group"] or "Not stated"] += 1
    for c in facts["census"]:
        for area in areas(c["borough"]):
            pupils[area][c["ethnic_group"]] += c["pupils"]
    rows = []
    for area in sorted(pupils, key=lambda a: (a == "London", a)):
        stated = sum(searched[area][g] for g in GROUPS)
        roll = sum(pupils[area][g] for g in GROUPS)
        for group in GROUPS:
            s_share = searched[area][group] / stated if stated else None
            p_share = pupils[area][group] / roll if roll else None
            rows.append(
                {
                    "area": area,
                    "term": term,
                    "ethnic_group": group,
                    "searches": searched[area][group],
                    "searches_not_stated": searched[area]["Not stated"],
                    "search_share": None if s_share is None else round(s_share, 4),
                    "pupils": pupils[area][group],
                    "pupil_share": None if p_share is None else round(p_share, 4),
                    "ratio": round(s_share / p_share, 3)
                    if s_share is not None and p_share
                    else None,
                }
            )
    return rows
