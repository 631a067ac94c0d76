"""Performance framework, duties and value: notifications, evidence, disclosures, cost."""

from collections import defaultdict
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from services.reporting.queries import value
from services.runtime.projection import Connection

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
              UNION ALL SELECT school_id, 'parents_searches' FROM perf_school_searches
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
    """Per borough and urgency: requests, turnaround to decision, overdue confirmations.

    Turnaround is the disclosure officer's time: from the head teacher's countersignature
    for a routine request (waiting for the signature is not theirs), from submission for an
    urgent one (signed after the decision). Both clocks are shown; times are the business
    times the commands carried.
    """
    rows = await conn.fetch(
        f"""SELECT borough, urgency, count(*) AS requests,
                  count(decided_at) FILTER (WHERE decided_at <= $2) AS decided,
                  {_pct(0.5, "hours")} AS median_turnaround_hours,
                  {_pct(0.9, "hours")} AS p90_turnaround_hours,
                  {_pct(0.5, "from_submission")} AS median_hours_from_submission,
                  {_pct(0.5, "from_signature")} AS median_hours_from_countersignature,
                  count(*) FILTER (WHERE confirmation_due < $2
                                   AND (confirmed_at IS NULL OR confirmed_at > $2))
                      AS overdue_confirmations,
                  count(*) FILTER (WHERE decision_due < $2
                                   AND (decided_at IS NULL OR decided_at > $2))
                      AS past_decision_deadline
           FROM (SELECT *,
                   CASE WHEN urgency = 'urgent' THEN from_submission ELSE from_signature END
                       AS hours
                 FROM (SELECT *, {_hours("submitted_at")} AS from_submission,
                              {_hours("countersigned_at")} AS from_signature
                       FROM perf_disclosures WHERE submitted_at <= $2) d0) d
           WHERE $1::text IS NULL OR borough = $1
           GROUP BY 1, 2 ORDER BY 1, 2""",
        borough,
        as_of,
    )
    return [dict(r) for r in rows]


def _hours(start: str) -> str:
    """Hours from ``start`` to the decision, for decisions taken by as_of ($2)."""
    return (
        f"CASE WHEN decided_at <= $2 AND {start} <= decided_at"
        f" THEN extract(epoch FROM decided_at - {start}) / 3600 END"
    )


def _pct(fraction: float, column: str) -> str:
    return (
        f"round((percentile_cont({fraction}) WITHIN GROUP (ORDER BY {column}))::numeric, 2)::float"
    )


async def value_for_money(
    conn: Connection,
    *,
    borough: str | None,
    term: str,
    as_of: datetime,
    rates: Mapping[str, float | None] = value.DEFAULT_RATES,
) -> list[dict[str, Any]]:
    """Cost, coverage and delivery per borough (and London) and programme, for one term."""
    facts = await value.inputs(conn, borough=borough, term=term, as_of=as_of)
    groups: dict[tuple[str, str], dict[str, Any]] = defaultdict(_empty)
    areas = (lambda b: (b,)) if borough else (lambda b: (b, "London"))
    for d in facts["deployments"]:
        if d["days_valid"] <= 0:
            continue
        for area in areas(d["borough"]):
            _add_deployment(groups[area, d["programme"]], d, rates)
    for h in facts["delivered_hours"]:
        for area in areas(h["borough"]):
            groups[area, h["programme"]]["delivered_hours"] += h["delivered"]
    for i in facts["incidents_dealt_with"]:
        for area in areas(i["borough"]):
            groups[area, i["programme"]]["incidents_dealt_with"] += 1
    rows = []
    for (area, programme), g in groups.items():
        pupils = await value.pupils_of(conn, g["schools"])
        rows.append(_costs(area, programme, term, as_of, g, pupils))
    return sorted(rows, key=lambda r: (r["area"] == "London", r["area"], r["programme"]))


def _empty() -> dict[str, Any]:
    return {
        "officers": set(),
        "schools": set(),
        "fte": defaultdict(float),
        "cost": 0.0,
        "annual": 0.0,
        "uncosted": set(),
        "delivered_hours": 0.0,
        "incidents_dealt_with": 0,
    }


def _add_deployment(
    g: dict[str, Any], d: dict[str, Any], rates: Mapping[str, float | None]
) -> None:
    share = d["share_percent"] / 100
    g["officers"].add(d["officer_id"])
    g["schools"].update(d["school_ids"])
    g["fte"][d["rank"]] += share * d["days_valid"] / d["period_days"]
    rate = rates.get(d["rank"])
    if rate is None:
        g["uncosted"].add(d["rank"])
        return
    g["cost"] += rate * share * d["days_valid"] / 365
    g["annual"] += rate * share * d["days_valid"] / d["period_days"]


def _costs(
    area: str, programme: str, term: str, as_of: datetime, g: dict[str, Any], pupils: int
) -> dict[str, Any]:
    def per(amount: float, n: float) -> float | None:
        return round(amount / n, 2) if n else None

    cost, schools, hours = g["cost"], len(g["schools"]), g["delivered_hours"]
    notes = [
        "rank not known: not costed" if rank == "unknown" else f"{rank.upper()} cost not configured"
        for rank in sorted(g["uncosted"])
    ]
    return {
        "area": area,
        "programme": programme,
        "term": term,
        "as_of": as_of.isoformat(),
        "officers": len(g["officers"]),
        "fte": round(sum(g["fte"].values()), 4),
        "fte_by_rank": {k: round(v, 4) for k, v in sorted(g["fte"].items())},
        "schools": schools,
        "pupils": pupils,
        "delivered_hours": round(hours, 2),
        "delivered_hours_per_school": per(hours, schools),
        "incidents_dealt_with": g["incidents_dealt_with"],
        "period_cost": round(cost, 2),
        "annual_cost_equivalent": round(g["annual"], 2),
        "cost_per_school": per(cost, schools),
        "cost_per_pupil": per(cost, pupils),
        "cost_per_delivered_hour": per(cost, hours),
        "cost_per_incident_dealt_with": per(cost, g["incidents_dealt_with"]),
        "complete": not notes,
        "notes": notes,
    }
