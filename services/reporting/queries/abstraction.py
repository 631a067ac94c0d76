"""Abstraction rates and ring-fencing per officer, school, borough or London, per period."""

import json
from typing import Any, Literal

from services.runtime.projection import Connection

Level = Literal["officer", "school", "borough", "london"]
PeriodKind = Literal["week", "month", "term"]
DEFAULT_THRESHOLD = 0.10
COLUMNS = (
    "level",
    "key",
    "borough",
    "period",
    "rostered_hours",
    "abstracted_hours",
    "abstraction_rate",
    "hours_by_category",
    "ring_fenced_officers",
    "ring_fence_breaches",
    "ring_fenced_under_threshold",
    "ring_fenced_under_threshold_share",
    "threshold",
)
_PERIOD = {
    "week": "to_char({t}.shift_date, 'IYYY-\"W\"IW')",
    "month": "to_char({t}.shift_date, 'YYYY-MM')",
    "term": "{t}.term",
}
# Hours of a shift serving several schools are shared equally between them.
_KEY = {
    "officer": ("{t}.officer_id", "{t}.borough", "", "1"),
    "school": (
        "sch",
        "{t}.borough",
        "CROSS JOIN unnest({t}.school_ids) AS sch",
        "cardinality({t}.school_ids)",
    ),
    "borough": ("{t}.borough", "{t}.borough", "", "1"),
    "london": ("'London'", "''", "", "1"),  # '' not NULL: the joins match on borough
}
SQL = """
WITH shifts AS (
    SELECT {key_s} AS key, {borough_s} AS borough, s.officer_id, {period_s} AS period,
           s.hours / {share_s} AS hours
    FROM abs_shifts s {unnest_s}
    WHERE ($1::text IS NULL OR s.borough = $1)
), absn AS (
    SELECT {key_a} AS key, {borough_a} AS borough, {period_a} AS period, a.category,
           a.hours / {share_a} AS hours, a.breach
    FROM abs_abstractions a {unnest_a}
    WHERE ($1::text IS NULL OR a.borough = $1)
), officer_rate AS (
    -- Each officer's own rate in the period, over all the schools they serve.
    SELECT o.officer_id, o.period, o.ring_fenced,
           COALESCE(x.abstracted, 0) / NULLIF(o.rostered, 0) AS rate
    FROM (
        SELECT s.officer_id, {period_s} AS period, sum(s.hours) AS rostered,
               bool_or(EXISTS (
                   SELECT 1 FROM abs_ring_fences r
                   WHERE r.officer_id = s.officer_id AND s.shift_date >= r.ring_fenced_from
                     AND (r.lifted_on IS NULL OR s.shift_date < r.lifted_on))) AS ring_fenced
        FROM abs_shifts s GROUP BY 1, 2
    ) o
    LEFT JOIN (
        SELECT a.officer_id, {period_a} AS period, sum(a.hours) AS abstracted
        FROM abs_abstractions a GROUP BY 1, 2
    ) x USING (officer_id, period)
), rostered AS (
    SELECT key, borough, period, sum(hours) AS rostered FROM shifts GROUP BY 1, 2, 3
), abstracted AS (
    SELECT key, borough, period, sum(hours) AS abstracted,
           count(*) FILTER (WHERE breach) AS breaches
    FROM absn GROUP BY 1, 2, 3
), by_category AS (
    SELECT key, borough, period, jsonb_object_agg(category, round(hours::numeric, 2)) AS by_category
    FROM (SELECT key, borough, period, category, sum(hours) AS hours
          FROM absn GROUP BY 1, 2, 3, 4) c
    GROUP BY 1, 2, 3
), ring_fenced AS (
    SELECT m.key, m.borough, m.period,
           count(*) FILTER (WHERE r.ring_fenced) AS ring_fenced,
           count(*) FILTER (WHERE r.ring_fenced AND COALESCE(r.rate, 0) < $2) AS under
    FROM (SELECT DISTINCT key, borough, officer_id, period FROM shifts) m
    JOIN officer_rate r USING (officer_id, period)
    GROUP BY 1, 2, 3
)
SELECT key, NULLIF(borough, '') AS borough, period,
       COALESCE(rostered, 0) AS rostered_hours,
       COALESCE(abstracted, 0) AS abstracted_hours,
       COALESCE(abstracted, 0) / NULLIF(rostered, 0) AS abstraction_rate,
       COALESCE(by_category, '{{}}'::jsonb) AS hours_by_category,
       COALESCE(ring_fenced, 0) AS ring_fenced_officers,
       COALESCE(breaches, 0) AS ring_fence_breaches,
       COALESCE(under, 0) AS ring_fenced_under_threshold
FROM rostered
FULL JOIN abstracted USING (key, borough, period)
LEFT JOIN by_category USING (key, borough, period)
LEFT JOIN ring_fenced USING (key, borough, period)
WHERE ($3::text IS NULL OR period = $3) AND ($4::text IS NULL OR key = $4)
ORDER BY period, borough NULLS FIRST, key
"""


async def abstraction_rates(
    conn: Connection,
    *,
    level: Level,
    period: PeriodKind,
    borough: str | None = None,
    period_value: str | None = None,
    key: str | None = None,
    threshold: float = DEFAULT_THRESHOLD,
) -> list[dict[str, Any]]:
    """One row per (key, period) at ``level``: hours, rates, ring-fences and breaches."""
    key_sql, borough_sql, unnest, share = _KEY[level]
    parts: dict[str, str] = {}
    for alias, suffix in (("s", "_s"), ("a", "_a")):
        parts["key" + suffix] = key_sql.format(t=alias)
        parts["borough" + suffix] = borough_sql.format(t=alias)
        parts["unnest" + suffix] = unnest.format(t=alias)
        parts["share" + suffix] = share.format(t=alias)
        parts["period" + suffix] = _PERIOD[period].format(t=alias)
    rows = await conn.fetch(SQL.format(**parts), borough, threshold, period_value, key)
    return [_row(level, threshold, dict(r)) for r in rows]


def _row(level: str, threshold: float, r: dict[str, Any]) -> dict[str, Any]:
    ring_fenced = r["ring_fenced_officers"]
    rate = r["abstraction_rate"]
    by_category = r["hours_by_category"]
    return {
        "level": level,
        **r,
        "rostered_hours": round(r["rostered_hours"], 2),
        "abstracted_hours": round(r["abstracted_hours"], 2),
        "abstraction_rate": None if rate is None else round(rate, 4),
        "hours_by_category": {
            k: float(v)
            for k, v in sorted(
                (json.loads(by_category) if isinstance(by_category, str) else by_category).items()
            )
        },
        "ring_fenced_under_threshold_share": (
            round(r["ring_fenced_under_threshold"] / ring_fenced, 4) if ring_fenced else None
        ),
        "threshold": threshold,
    }
