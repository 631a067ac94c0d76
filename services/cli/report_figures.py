"""The demo's report figures, read from reporting's HTTP queries (nothing computed twice)."""

from collections import Counter
from datetime import datetime
from typing import Any

import httpx

from services.cli import report_chronologies as chronologies
from services.cli import report_school_records as school_records
from services.cli import report_summaries as summaries
from services.cli.workload.steps import ANALYST, AUDITOR, Who
from services.runtime.tokens import audience_of, issue_token

HOURS = ("rostered_hours", "leave_hours", "abstracted_hours", "delivered_hours")


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
            "term": term,
            "abstraction": _get(c, ANALYST, "/abstraction", level="borough", period_value=term),
            "london": _get(c, ANALYST, "/abstraction", level="london", period_value=term),
            "weekly": _get(c, ANALYST, "/abstraction", level="london", period="week"),
            "incidents": _get(c, ANALYST, "/performance/incidents", term=term),
            "outcomes": _get(c, ANALYST, "/performance/outcomes", term=term),
            "searches": _get(c, ANALYST, "/performance/searches", term=term),
            "disclosures": _get(c, ANALYST, "/performance/disclosures", as_of=at),
            "value": _get(c, ANALYST, "/performance/value-for-money", term=term, as_of=at),
            "indicators": _get(c, ANALYST, "/performance/indicators"),
            "outstanding": _get(c, ANALYST, "/performance/outstanding"),
            "comparison": _get(c, AUDITOR, "/performance/comparison", term=term),
            "baseline": _get(c, AUDITOR, "/performance/baseline", term=term),
            "ethnicity": _get(c, AUDITOR, "/performance/search-ethnicity", term=term),
            "activities": _get(c, ANALYST, "/performance/activities", term=term),
            "allegations": _get(c, ANALYST, "/performance/allegations", term=term),
            "school_searches": _get(c, ANALYST, "/performance/school-searches", term=term),
            "audit": _get(c, AUDITOR, "/audit/verify"),
            "consultations": _get(c, AUDITOR, "/audit/consultations"),
        }


def _by_area(rows: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Value-for-money rows of each area, the programmes added up (each is also kept)."""
    out: dict[str, dict[str, Any]] = {}
    for r in rows:
        a = out.setdefault(r["area"], {"programmes": {}, "notes": set()} | dict.fromkeys(SUMS, 0))
        a["programmes"][r["programme"]] = r
        a["notes"].update(r["notes"])
        for k in SUMS:
            a[k] += r[k] or 0
    for a in out.values():
        cost, pupils, dealt = a["period_cost"], a["pupils"], a["incidents_dealt_with"]
        a["notes"] = sorted(a["notes"])
        a["cost_per_pupil"] = round(cost / pupils, 2) if pupils and cost else None
        a["cost_per_school"] = round(cost / a["schools"], 2) if a["schools"] and cost else None
        a["cost_per_incident"] = round(cost / dealt, 2) if dealt and cost else None
        hours = a["delivered_hours"]
        a["cost_per_delivered_hour"] = round(cost / hours, 2) if hours and cost else None
    return out


SUMS = (
    "officers", "fte", "schools", "pupils", "period_cost", "annual_cost_equivalent",
    "delivered_hours", "incidents_dealt_with",
)  # fmt: skip


def summarise(raw: dict[str, Any]) -> dict[str, Any]:
    """Per-borough and London figures for the text and HTML reports."""
    value = _by_area(raw["value"])
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
                "fte": round(v.get("fte", 0), 2),
                **{k: r[k] for k in HOURS},
                "abstraction_rate": r["abstraction_rate"] or 0.0,
                "ring_fenced_officers": r["ring_fenced_officers"],
                "ring_fence_breaches": r["ring_fence_breaches"],
                "incidents": incidents[b],
                "per_1000_pupils": round(incidents[b] * 1000 / pupils, 2) if pupils else None,
                "arrests": arrests[b],
                "handled_internally": internal[b],
                "period_cost": v.get("period_cost"),
                "cost_per_pupil": v.get("cost_per_pupil"),
                "cost_per_incident": v.get("cost_per_incident"),
            }
        )
    london_value = value.get("London", {})
    [london] = raw["london"] or [dict.fromkeys(HOURS, 0)]
    pupils = london_value.get("pupils") or 0
    searches: Counter[str] = Counter()
    for r in raw["searches"]:
        searches.update(r["by_outcome"])
    return {
        "boroughs": sorted(boroughs, key=lambda b: b["borough"]),
        "london": {
            "schools": london_value.get("schools", 0),
            "officers": london_value.get("officers", 0),
            "fte": round(london_value.get("fte", 0), 2),
            "pupils": pupils,
            **{k: london[k] for k in HOURS},
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
            "period_cost": london_value.get("period_cost"),
            "annual_cost_equivalent": london_value.get("annual_cost_equivalent"),
            "cost_per_school": london_value.get("cost_per_school"),
            "cost_per_pupil": london_value.get("cost_per_pupil"),
            "cost_per_incident": london_value.get("cost_per_incident"),
            "cost_per_delivered_hour": london_value.get("cost_per_delivered_hour"),
            "cost_notes": london_value.get("notes", []),
        },
        "programmes": {
            p: {k: r[k] for k in (*SUMS, "cost_per_pupil", "notes")}
            for p, r in sorted(london_value.get("programmes", {}).items())
        },
        "incidents_by_category": dict(by_category.most_common()),
        "searches_by_outcome": dict(searches.most_common()),
        "disclosures": summaries.disclosures(raw["disclosures"]),
        "weekly_abstraction": [
            {"week": r["period"], "rate": r["abstraction_rate"] or 0.0} for r in raw["weekly"]
        ],
        "indicators": summaries.indicators(raw["indicators"], raw["term"]),
        "outstanding": summaries.outstanding(raw["outstanding"]),
        "comparison": {
            r["group"]: {k: v for k, v in r.items() if k != "school_ids"}
            for r in raw["comparison"]
            if r["area"] == "London"
        },
        "baseline": summaries.baseline(raw["baseline"]),
        "search_ethnicity": [r for r in raw["ethnicity"] if r["area"] == "London"],
        "activities": _activities(raw.get("activities", [])),
        "school_records": school_records.summarise(
            raw.get("allegations", []), raw.get("school_searches", [])
        ),
        "audit": raw["audit"],
        "chronologies": chronologies.summarise(raw.get("consultations", [])),
    }


def _activities(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """London's recorded activities by kind, beside the enforcement outputs."""
    by_kind: dict[str, dict[str, float]] = {}
    for r in rows:
        k = by_kind.setdefault(r["kind"], {"activities": 0, "hours": 0.0, "pupils_reached": 0})
        k["activities"] += r["activities"]
        k["hours"] = round(k["hours"] + r["hours"], 2)
        k["pupils_reached"] += r["pupils_reached"]
    return {
        "by_kind": dict(sorted(by_kind.items(), key=lambda kv: -kv[1]["activities"])),
        "activities": sum(k["activities"] for k in by_kind.values()),
        "hours": round(sum(k["hours"] for k in by_kind.values()), 2),
        "with_partners": sum(r["with_partners"] for r in rows),
    }
