"""Performance framework, duties and value: notifications, evidence, disclosures, cost."""

from datetime import datetime
from typing import Any

from services.reporting.projections.context import term_of
from services.runtime.projection import Connection

# The source's notional cost: £5,967,270 for 135 officers a year (2004/05 ready reckoner).
DEFAULT_COST_PER_OFFICER = 44_202.0
SCOPE = "($1::text IS NULL OR s.borough = $1)"


async def outstanding(conn: Connection, *, borough: str | None) -> list[dict[str, Any]]:
    """Per school: head teacher and parent notifications still owed, evidence not handed over."""
    rows = await conn.fetch(
        f"""WITH owed AS (
              SELECT school_id, 'head_teacher_incidents' AS what FROM perf_incidents
                WHERE serious AND head_notified_at IS NULL
              UNION ALL SELECT school_id, 'head_teacher_arrests' FROM perf_arrests
                WHERE arrested_at IS NOT NULL AND head_informed_at IS NULL
              UNION ALL SELECT school_id, 'parents_searches' FROM perf_searches
                WHERE of_pupil AND parents_informed_at IS NULL
              UNION ALL SELECT school_id, 'evidence_awaiting_handover' FROM perf_evidence
                WHERE holder = 'school_staff'
            )
            SELECT o.school_id, s.borough,
                   count(*) FILTER (WHERE what = 'head_teacher_incidents')
                       AS head_teacher_incidents,
                   count(*) FILTER (WHERE what = 'head_teacher_arrests') AS head_teacher_arrests,
                   count(*) FILTER (WHERE what = 'parents_searches') AS parents_searches,
                   count(*) FILTER (WHERE what = 'evidence_awaiting_handover')
                       AS evidence_awaiting_handover
            FROM owed o LEFT JOIN ctx_schools s USING (school_id)
            WHERE {SCOPE}
            GROUP BY 1, 2 ORDER BY 2, 1""",
        borough,
    )
    return [dict(r) for r in rows]


async def disclosures(
    conn: Connection, *, borough: str | None, as_of: datetime
) -> list[dict[str, Any]]:
    """Per borough and urgency: requests, turnaround to decision, overdue confirmations."""
    rows = await conn.fetch(
        """SELECT borough, urgency, count(*) AS requests,
                  count(decided_at) AS decided,
                  round((percentile_cont(0.5) WITHIN GROUP (ORDER BY hours))::numeric, 2)::float
                      AS median_turnaround_hours,
                  round((percentile_cont(0.9) WITHIN GROUP (ORDER BY hours))::numeric, 2)::float
                      AS p90_turnaround_hours,
                  count(*) FILTER (WHERE confirmation_due < $2 AND confirmed_at IS NULL)
                      AS overdue_confirmations,
                  count(*) FILTER (WHERE decision_due < $2 AND decided_at IS NULL)
                      AS past_decision_deadline
           FROM (SELECT *, extract(epoch FROM decided_at - submitted_at) / 3600 AS hours
                 FROM perf_disclosures) d
           WHERE $1::text IS NULL OR borough = $1
           GROUP BY 1, 2 ORDER BY 1, 2""",
        borough,
        as_of,
    )
    return [dict(r) for r in rows]


async def value_for_money(
    conn: Connection,
    *,
    borough: str | None,
    term: str,
    as_of: datetime,
    cost_per_officer: float = DEFAULT_COST_PER_OFFICER,
) -> list[dict[str, Any]]:
    """Coverage and cost per borough and for London (when unscoped), for one term."""
    incident_term = term_of("i.occurred_at::date", "s.borough")
    rows = await conn.fetch(
        f"""WITH deployed AS (
              SELECT d.officer_id, d.borough, sch AS school_id
              FROM ctx_deployments d CROSS JOIN unnest(d.school_ids) AS sch
              WHERE d.start_date <= $3::date AND (d.ended_on IS NULL OR d.ended_on >= $3::date)
                AND ($1::text IS NULL OR d.borough = $1)
            ), hours AS (
              SELECT borough, sum(hours) AS hours FROM abs_shifts
              WHERE term = $2 AND ($1::text IS NULL OR borough = $1) GROUP BY ROLLUP (borough)
            ), dealt AS (
              SELECT s.borough, count(*) AS incidents FROM perf_incidents i
              JOIN ctx_schools s USING (school_id)
              WHERE i.closed_at IS NOT NULL AND {incident_term} = $2 AND {SCOPE}
              GROUP BY ROLLUP (s.borough)
            ), covered AS (
              SELECT x.borough, count(DISTINCT x.officer_id) AS officers,
                     count(DISTINCT x.school_id) AS schools,
                     (SELECT COALESCE(sum(pupil_count), 0) FROM ctx_schools c
                      WHERE c.school_id IN (SELECT school_id FROM deployed y
                                            WHERE x.borough IS NULL OR y.borough = x.borough))
                         AS pupils
              FROM deployed x GROUP BY ROLLUP (x.borough)
            )
            SELECT COALESCE(c.borough, 'London') AS area, c.officers, c.schools, c.pupils,
                   COALESCE(h.hours, 0) AS officer_hours,
                   COALESCE(d.incidents, 0) AS incidents_dealt_with
            FROM covered c
            LEFT JOIN hours h ON h.borough IS NOT DISTINCT FROM c.borough
            LEFT JOIN dealt d ON d.borough IS NOT DISTINCT FROM c.borough
            WHERE $1::text IS NULL OR c.borough IS NOT NULL
            ORDER BY c.borough NULLS LAST""",
        borough,
        term,
        as_of,
    )
    return [_costs(dict(r), term, cost_per_officer) for r in rows]


def _costs(r: dict[str, Any], term: str, cost_per_officer: float) -> dict[str, Any]:
    annual = r["officers"] * cost_per_officer
    term_cost = annual / 3  # three terms a year

    def per(amount: float, n: float) -> float | None:
        return round(amount / n, 2) if n else None

    return {
        **r,
        "term": term,
        "officer_hours": round(float(r["officer_hours"]), 2),
        "schools_per_officer": per(r["schools"], r["officers"]),
        "officer_hours_per_school": per(float(r["officer_hours"]), r["schools"]),
        "cost_per_officer": cost_per_officer,
        "annual_cost": round(annual, 2),
        "cost_per_school": per(annual, r["schools"]),
        "cost_per_pupil": per(annual, r["pupils"]),
        "term_cost": round(term_cost, 2),
        "cost_per_incident_dealt_with": per(term_cost, r["incidents_dealt_with"]),
    }
