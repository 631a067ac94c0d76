"""London summaries of the demo's figures: disclosures, indicators, baselines, duties owed."""

from collections import Counter, defaultdict
from statistics import median
from typing import Any


def disclosures(rows: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
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
        from_submission = [
            r["median_hours_from_submission"]
            for r in rs
            if r["median_hours_from_submission"] is not None
        ]
        out[urgency] = {
            "requests": sum(r["requests"] for r in rs),
            "decided": sum(r["decided"] for r in rs),
            "median_turnaround_hours": round(median(medians), 4) if medians else None,
            "median_hours_from_submission": round(median(from_submission), 4)
            if from_submission
            else None,
            "worst_p90_turnaround_hours": max(p90) if p90 else None,
            "overdue_confirmations": sum(r["overdue_confirmations"] for r in rs),
            "past_decision_deadline": sum(r["past_decision_deadline"] for r in rs),
        }
    return out


def indicators(rows: list[dict[str, Any]], term: str) -> dict[str, Any]:
    """London rates of ``term``, last term and the same term last year, from summed counts."""
    by_term: dict[str, Counter[str]] = defaultdict(Counter)
    for r in rows:
        t = by_term[r["term"]]
        t["schools"] += 1
        for k in ("bullying", "fixed_term_exclusions", "truancy_sessions"):
            t[k] += r[k] or 0
        t["pupil_days"] += (r["pupil_count"] or 0) * (r["school_days"] or 0)
        if r["possible_sessions"]:
            t["possible_sessions"] += r["possible_sessions"]
            t["absent"] += r["truancy_sessions"]

    def rates(t: Counter[str]) -> dict[str, float | None]:
        def per(n: int, d: int, k: float) -> float | None:
            return round(n * k / d, 6) if d else None

        return {
            "bullying_per_1000_pupils_per_day": per(t["bullying"], t["pupil_days"], 1000),
            "fixed_term_exclusions_per_1000_pupils_per_day": per(
                t["fixed_term_exclusions"], t["pupil_days"], 1000
            ),
            "unauthorised_absence_rate": per(t["absent"], t["possible_sessions"], 1),
        }

    year, season = term.split("-")
    order = ["spring", "summer", "autumn"]
    i = order.index(season)
    last = f"{int(year) - (i == 0)}-{order[i - 1]}"
    now, before, year_ago = (rates(by_term[t]) for t in (term, last, f"{int(year) - 1}-{season}"))

    def change(a: float | None, b: float | None) -> float | None:
        return None if a is None or b is None else round(a - b, 6)

    return {
        "schools": by_term[term]["schools"],
        "last_term": last,
        **{k: by_term[term][k] for k in ("bullying", "truancy_sessions", "fixed_term_exclusions")},
        **now,
        **{f"{k}_change_on_last_term": change(v, before[k]) for k, v in now.items()},
        **{f"{k}_change_on_last_year": change(v, year_ago[k]) for k, v in now.items()},
    }


def baseline(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """How many served schools have a return from before their first deployment, and the
    median change of their bullying and absence rates on it."""
    measures = ("bullying_per_1000_pupils_per_day", "unauthorised_absence_rate")
    with_base = [r for r in rows if r["baseline_term"]]
    out: dict[str, Any] = {"schools": len(rows), "with_baseline": len(with_base)}
    for m in measures:
        changes = [r[f"{m}_change_on_baseline"] for r in with_base]
        known = [c for c in changes if c is not None]
        out[f"{m}_median_change"] = round(median(known), 6) if known else None
    return out


def outstanding(rows: list[dict[str, Any]]) -> dict[str, int]:
    """Duties still owed across London, by kind."""
    kinds = (
        "head_teacher_incidents",
        "head_teacher_arrests",
        "parents_searches",
        "evidence_awaiting_handover",
    )
    return {k: sum(r[k] for r in rows) for k in kinds}
