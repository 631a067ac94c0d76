"""Hours delivered, abstraction rates and ring-fencing per officer, school, borough or London.

Definitions (per week, month or term): delivered = rostered - leave - abstracted;
abstraction rate = abstracted / (rostered - leave); a ring-fence breach counts once per
officer-shift (at school level, in the shift's share, so schools sum to their borough).
"""

import json
from typing import Any, Literal

from services.reporting.queries.shifts import PERIOD, units
from services.runtime.projection import Connection

Level = Literal["officer", "school", "borough", "london"]
PeriodKind = Literal["week", "month", "term"]
DEFAULT_THRESHOLD = 0.10
HOURS = ("rostered_hours", "leave_hours", "abstracted_hours", "delivered_hours")
COLUMNS = (
    "level",
    "key",
    "borough",
    "period",
    "rostered_hours",
    "leave_hours",
    "abstracted_hours",
    "delivered_hours",
    "abstraction_rate",
    "hours_by_category",
    "ring_fenced_officers",
    "ring_fence_breaches",
    "ring_fenced_under_threshold",
    "ring_fenced_under_threshold_share",
    "threshold",
)
TAIL = """, totals AS (
    SELECT key, borough, period, sum(w * rostered) AS rostered, sum(w * leave) AS leave,
           sum(w * abstracted) AS abstracted, sum(w * delivered) AS delivered,
           sum(w * breach::int) AS breaches
    FROM unit GROUP BY 1, 2, 3
), by_category AS (
    SELECT key, borough, period, jsonb_object_agg(category, round(hours::numeric, 2)) AS by_category
    FROM (SELECT u.key, u.borough, u.period, a.category, sum(u.w * a.hours) AS hours
          FROM unit u JOIN abs_abstractions a USING (roster_id, shift_date)
          GROUP BY 1, 2, 3, 4) c
    GROUP BY 1, 2, 3
), officer_rate AS (
    -- Each officer's own rate in the period, over all the schools they serve.
    SELECT officer_id, period, bool_or(ring_fenced) AS ring_fenced,
           sum(abstracted) / NULLIF(sum(rostered - leave), 0) AS rate
    FROM (SELECT f.officer_id, {period} AS period, f.rostered, f.leave, f.abstracted,
                 EXISTS (SELECT 1 FROM abs_ring_fences r
                         WHERE r.officer_id = f.officer_id AND f.shift_date >= r.ring_fenced_from
                           AND (r.lifted_on IS NULL OR f.shift_date < r.lifted_on)) AS ring_fenced
          FROM shift f) o
    GROUP BY 1, 2
), ring_fenced AS (
    SELECT m.key, m.borough, m.period,
           count(*) FILTER (WHERE r.ring_fenced) AS ring_fenced,
           count(*) FILTER (WHERE r.ring_fenced AND COALESCE(r.rate, 0) < $2) AS under
    FROM (SELECT DISTINCT key, borough, officer_id, period FROM unit) m
    JOIN officer_rate r USING (officer_id, period)
    GROUP BY 1, 2, 3
)
SELECT key, NULLIF(borough, '') AS borough, period,
       rostered AS rostered_hours, leave AS leave_hours, abstracted AS abstracted_hours,
       delivered AS delivered_hours,
       abstracted / NULLIF(rostered - leave, 0) AS abstraction_rate,
       COALESCE(by_category, '{{}}'::jsonb) AS hours_by_category,
       COALESCE(ring_fenced, 0) AS ring_fenced_officers,
       breaches AS ring_fence_breaches,
       COALESCE(under, 0) AS ring_fenced_under_threshold
FROM totals
LEFT JOIN by_category USING (key, borough, period)
LEFT JOIN ring_fenced USING (key, borough, period)
WHERE ($3::text IS NULL OR period = $3) AND ($4::text IS NULL OR key = $4)
ORDER BY period, borough NULLS FIRST, key
"""
EXPLAIN = """
SELECT key, period, officer_id, roster_id, shift_date, round(w::numeric, 4)::float AS weight,
       rostered, leave, abstracted, delivered, breach, abstraction_ids
FROM unit
WHERE ($3::text IS NULL OR period = $3) AND ($4::text IS NULL OR key = $4) AND $2::float >= 0
ORDER BY shift_date, officer_id, key
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
    sql = units(level, period) + TAIL.format(period=PERIOD[period])
    rows = await conn.fetch(sql, borough, threshold, period_value, key)
    return [_row(level, threshold, dict(r)) for r in rows]


async def explain_rates(
    conn: Connection,
    *,
    level: Level,
    period: PeriodKind,
    borough: str | None = None,
    period_value: str | None = None,
    key: str | None = None,
) -> list[dict[str, Any]]:
    """The officer-shifts behind ``abstraction_rates`` rows, with each one's weight."""
    rows = await conn.fetch(units(level, period) + EXPLAIN, borough, 0.0, period_value, key)
    return [{**dict(r), "shift_date": r["shift_date"].isoformat()} for r in rows]


def _row(level: str, threshold: float, r: dict[str, Any]) -> dict[str, Any]:
    ring_fenced = r["ring_fenced_officers"]
    rate = r["abstraction_rate"]
    by_category = r["hours_by_category"]
    return {
        "level": level,
        **r,
        **{h: round(r[h], 2) for h in HOURS},
        "ring_fence_breaches": round(r["ring_fence_breaches"], 4),
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
