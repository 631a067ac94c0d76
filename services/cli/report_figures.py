"""The demo's report figures, read from reporting's HTTP queries (nothing computed twice)."""

from collections import Counter, defaultdict
from datetime import datetime
from statistics import median
from typing import Any

import httpx

from services.cli.workload.steps import ANALYST, AUDITOR, Who
from services.runtime.tokens import audience_of, issue_token


def _get(client: httpx.Client, who: Who, path: str, **params: str) -> Any:
    token = issue_token(sub=who.sub, role=who.role, audience=audience_of("reporting"))
    response = client.get(path, params=params, headers={"Authorization": f"Bearer {token}"})
    response.raise_for_status()
    return response.json()


def fetch(url: str, term: str, as_of: datetime) -> dict[str, Any]:
    """Every query the report shows, as the analyst (and the auditor for the trail) sees it."""
    at = as_of.isoformat()
    with httpx.Client(base_url=url, timeout=60) as c:
        return {
            "abstraction": _get(c, ANALYST, "/abstraction", level="borough", period_value=term),
            "london": _get(c, ANALYST, "/abstraction", level="london", period_value=term),
            "weekly": _get(c, ANALYST, "/abstraction", level="london", period="week"),
            "incidents": _get(c, ANALYST, "/performance/incidents", term=term),
            "outcomes": _get(c, ANALYST, "/performance/outcomes", term=term),
            "searches": _get(c, ANALYST, "/performance/searches", term=term),
            "disclosures": _get(c, ANALYST, "/performance/disclosures", as_of=at),
            "value": _get(c, ANALYST, "/performance/value-for-money", term=term, as_of=at),
            "indicators": _get(c, ANALYST, "/performance/indicators", term=term),
            "outstanding": _get(c, ANALYST, "/performance/outstanding"),
            "audit": _get(c, AUDITOR, "/audit/verify"),
        }


def summarise(raw: dict[str, Any]) -> dict[str, Any]:
    """Per-borough and London figures for the text and HTML reports."""
    value = {r["area"]: r for r in raw["value"]}
    incidents: Counter[str] = Counter()
    by_category: Counter[str] = Counter()
    for r in raw["incidents"]:
        incidents[r["borough"]] += r["incidents"]
        by_category[r["category"]] += r["incidents"]
    arrests = Counter[str]()
    internal = Counter[str]()
    for r in raw["outcomes"]:
        arrests[r["borough"]] += r["arrests"]
        internal[r["borough"]] += r["handled_internally"]
    boroughs = []
    for r in raw["abstraction"]:
        b, v = r["key"], value.get(r["key"], {})
        pupils = v.get("pupils") or 0
        boroughs.append(
            {
                "borough": b,
                "schools": v.get("schools", 0),
                "officers": v.get("officers", 0),
                "pupils": pupils,
                "rostered_hours": r["rostered_hours"],
                "abstracted_hours": r["abstracted_hours"],
                "abstraction_rate": r["abstraction_rate"] or 0.0,
                "ring_fenced_officers": r["ring_fenced_officers"],
                "ring_fence_breaches": r["ring_fence_breaches"],
                "incidents": incidents[b],
                "per_1000_pupils": round(incidents[b] * 1000 / pupils, 2) if pupils else None,
                "arrests": arrests[b],
                "handled_internally": internal[b],
                "cost_per_pupil": v.get("cost_per_pupil"),
                "cost_per_incident": v.get("cost_per_incident_dealt_with"),
            }
        )
    london_value = value.get("London", {})
    [london] = raw["london"] or [{}]
    pupils = london_value.get("pupils") or 0
    searches: Counter[str] = Counter()
    for r in raw["searches"]:
        searches.update(r["by_outcome"])
    return {
        "boroughs": sorted(boroughs, key=lambda b: b["borough"]),
        "london": {
            "schools": london_value.get("schools", 0),
            "officers": london_value.get("officers", 0),
            "pupils": pupils,
            "rostered_hours": london.get("rostered_hours", 0),
            "abstracted_hours": london.get("abstracted_hours", 0),
            "abstraction_rate": london.get("abstraction_rate") or 0.0,
            "hours_by_category": london.get("hours_by_category", {}),
            "ring_fenced_officers": london.get("ring_fenced_officers", 0),
            "ring_fence_breaches": london.get("ring_fence_breaches", 0),
            "incidents": sum(incidents.values()),
            "per_1000_pupils": round(sum(incidents.values()) * 1000 / pupils, 2)
            if pupils
            else None,
            "incidents_dealt_with": london_value.get("incidents_dealt_with", 0),
            "arrests": sum(arrests.values()),
            "handled_internally": sum(internal.values()),
            "searches": sum(r["searches"] for r in raw["searches"]),
            "searches_linked": sum(r["linked"] for r in raw["searches"]),
            "annual_cost": london_value.get("annual_cost"),
            "cost_per_school": london_value.get("cost_per_school"),
            "cost_per_pupil": london_value.get("cost_per_pupil"),
            "cost_per_incident": london_value.get("cost_per_incident_dealt_with"),
            "officer_hours_per_school": london_value.get("officer_hours_per_school"),
        },
        "incidents_by_category": dict(by_category.most_common()),
        "searches_by_outcome": dict(searches.most_common()),
        "disclosures": _disclosures(raw["disclosures"]),
        "weekly_abstraction": [
            {"week": r["period"], "rate": r["abstraction_rate"] or 0.0} for r in raw["weekly"]
        ],
        "indicators": _indicators(raw["indicators"]),
        "outstanding": _outstanding(raw["outstanding"]),
        "audit": raw["audit"],
    }


def _disclosures(rows: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Per urgency: requests, decided, overdue, and the borough medians' median turnaround."""
    grouped: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for r in rows:
        grouped[r["urgency"]].append(r)
    out = {}
    for urgency, rs in sorted(grouped.items()):
        medians = [
            r["median_turnaround_hours"] for r in rs if r["median_turnaround_hours"] is not None
        ]
        p90 = [r["p90_turnaround_hours"] for r in rs if r["p90_turnaround_hours"] is not None]
        out[urgency] = {
            "requests": sum(r["requests"] for r in rs),
            "decided": sum(r["decided"] for r in rs),
            "median_turnaround_hours": round(median(medians), 4) if medians else None,
            "worst_p90_turnaround_hours": max(p90) if p90 else None,
            "overdue_confirmations": sum(r["overdue_confirmations"] for r in rs),
            "past_decision_deadline": sum(r["past_decision_deadline"] for r in rs),
        }
    return out


def _indicators(rows: list[dict[str, Any]]) -> dict[str, Any]:
    measures = ("bullying", "truancy_sessions", "fixed_term_exclusions", "permanent_exclusions")
    return {
        "schools": len(rows),
        **{m: sum(r[m] or 0 for r in rows) for m in measures},
        **{f"{m}_change": sum(r[f"{m}_change"] or 0 for r in rows) for m in measures},
    }


def _outstanding(rows: list[dict[str, Any]]) -> dict[str, int]:
    kinds = (
        "head_teacher_incidents",
        "head_teacher_arrests",
        "parents_searches",
        "evidence_awaiting_handover",
    )
    return {k: sum(r[k] for r in rows) for k in kinds}
