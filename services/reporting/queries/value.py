"""Value for money per officer-period: cost by share, rank and programme, hours delivered.

Definitions (docs/performance.md): a deployment costs, for each day of the period on which
it is valid (from its start to the earliest of its end and its tenure end, extensions
included), its share of its rank's annual rate divided by 365. The period is the borough's
term (its published calendar, else the platform's convention) up to ``as_of``. Programmes
are costed apart, as the source does (SSP £5,967,270 for 135 officers; Schools Involvement
£2,652,120 for 60 - £44,202 a police officer). A rank without a configured rate is not
costed and the row says so ("PCSO cost not configured").
"""

from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from services.reporting.projections.context import term_of
from services.reporting.queries.shifts import SHIFTS
from services.runtime.domain import RuleViolation
from services.runtime.inputs import EARLIEST, LATEST
from services.runtime.projection import Connection

# The 2004/05 ready reckoner of the source: £5,967,270 / 135 = £2,652,120 / 60 = £44,202.
POLICE_OFFICER_RATE = 44_202.0
DEFAULT_RATES: dict[str, float | None] = {
    "constable": POLICE_OFFICER_RATE,
    "sergeant": POLICE_OFFICER_RATE,
    "pcso": None,  # the source prices police officers only: a PCSO rate must be configured
}
SEASONS = {"spring": ((1, 1), (3, 31)), "summer": ((4, 1), (8, 31)), "autumn": ((9, 1), (12, 31))}


def rates_from(configured: Mapping[str, float | None]) -> dict[str, float | None]:
    """The rate table: defaults, then the configured ``SSP_REPORTING_OFFICER_RATES`` over them."""
    rates = dict(DEFAULT_RATES)
    for rank, rate in configured.items():
        rates[rank] = None if rate is None else float(rate)
    return rates


def convention(term: str) -> tuple[date, date]:
    """A term's dates by the platform's convention, for a borough without a calendar."""
    year, season = term.split("-")
    if not EARLIEST.year <= int(year) <= LATEST.year:
        # The pattern lets any four digits through; a calendar has no year 0.
        raise RuleViolation("term", f"a term's year lies in {EARLIEST.year}-{LATEST.year}", "term")
    (m1, d1), (m2, d2) = SEASONS[season]
    return date(int(year), m1, d1), date(int(year), m2, d2)


DEPLOYMENTS = """
WITH bounds AS (
    SELECT b.borough, COALESCE(t.starts_on, $3::date) AS starts_on,
           LEAST(COALESCE(t.ends_on, $4::date), $5::date) AS ends_on
    FROM (SELECT DISTINCT borough FROM ctx_deployments
          WHERE borough IS NOT NULL AND ($1::text IS NULL OR borough = $1)) b
    LEFT JOIN ctx_terms t ON t.borough = b.borough AND t.term = $2
)
SELECT d.deployment_id, d.officer_id, d.borough, d.school_ids,
       COALESCE(d.rank, o.rank, 'unknown') AS rank,
       COALESCE(s.programme, 'unknown') AS programme,
       COALESCE(d.share_percent, 100) AS share_percent,
       d.start_date, LEAST(d.ended_on, d.tenure_end) AS valid_until,
       b.starts_on AS period_start, b.ends_on AS period_end,
       GREATEST(b.ends_on - b.starts_on + 1, 0) AS period_days,
       GREATEST(LEAST(b.ends_on, d.ended_on, d.tenure_end)
                - GREATEST(b.starts_on, d.start_date) + 1, 0) AS days_valid
FROM ctx_deployments d
JOIN bounds b USING (borough)
LEFT JOIN ctx_officers o USING (officer_id)
LEFT JOIN ctx_schools s ON s.school_id = d.school_ids[1]
WHERE d.start_date IS NOT NULL
ORDER BY d.borough, d.officer_id, d.deployment_id
"""
HOURS = f"""WITH {SHIFTS}
SELECT f.borough, COALESCE(s.programme, 'unknown') AS programme,
       sum(GREATEST(f.rostered - f.leave - f.abstracted, 0)) AS delivered
FROM shift f LEFT JOIN ctx_schools s ON s.school_id = f.school_ids[1]
WHERE f.term = $2 AND f.shift_date <= $3::date
GROUP BY 1, 2
"""
# Dealt with: closed by as_of, not handled by the school itself, inside protocol hours (as
# the incidents service judged them when the incident was reported).
DEALT = f"""
SELECT i.incident_id, i.school_id, s.borough, s.programme
FROM perf_incidents i JOIN ctx_schools s USING (school_id)
WHERE i.closed_at IS NOT NULL AND i.closed_at <= $3 AND NOT i.handled_internally
  AND {term_of("(i.occurred_at AT TIME ZONE 'Europe/London')::date", "s.borough")} = $2
  AND ($1::text IS NULL OR s.borough = $1) AND i.outside_protocol_hours IS NOT TRUE
ORDER BY i.incident_id
"""


async def inputs(
    conn: Connection, *, borough: str | None, term: str, as_of: datetime
) -> dict[str, list[dict[str, Any]]]:
    """The rows behind the figures: deployments with their valid days, hours, incidents."""
    start, end = convention(term)
    deployments = await conn.fetch(DEPLOYMENTS, borough, term, start, end, as_of.date())
    hours = await conn.fetch(HOURS, borough, term, as_of.date())
    dealt = await conn.fetch(DEALT, borough, term, as_of)
    return {
        "deployments": [_plain(dict(r)) for r in deployments],
        "delivered_hours": [dict(r) for r in hours],
        "incidents_dealt_with": [dict(r) for r in dealt],
    }


async def pupils_of(conn: Connection, schools: set[str]) -> int:
    """Pupils on roll in ``schools``."""
    n: int = await conn.fetchval(
        "SELECT COALESCE(sum(pupil_count), 0) FROM ctx_schools WHERE school_id = ANY($1)",
        sorted(schools),
    )
    return n


def _plain(r: dict[str, Any]) -> dict[str, Any]:
    return {k: v.isoformat() if isinstance(v, date) else v for k, v in r.items()}
