"""Writes the Grafana dashboards of the platform (deploy/grafana/dashboards/*.json).

The JSON files are committed; run ``python deploy/grafana/build_dashboards.py`` after a
change here. Each panel's queries use only bounded labels (borough, category, outcome,
urgency, kind, runner, topic, partition, reason).
"""

# PromQL reads best on one line each, so long lines are allowed here.
# ruff: noqa: E501

import json
from pathlib import Path
from typing import Any

HERE = Path(__file__).parent
DATASOURCE = {"type": "prometheus", "uid": "ssp-prometheus"}
B = 'borough=~"$borough"'


def panel(
    title: str,
    exprs: dict[str, str],
    *,
    unit: str = "short",
    kind: str = "timeseries",
    description: str = "",
) -> dict[str, Any]:
    """One panel; ``exprs`` maps legend format to PromQL."""
    return {
        "type": kind,
        "title": title,
        "description": description,
        "datasource": DATASOURCE,
        "fieldConfig": {"defaults": {"unit": unit}, "overrides": []},
        "targets": [
            {"refId": chr(65 + i), "expr": expr, "legendFormat": legend, "datasource": DATASOURCE}
            for i, (legend, expr) in enumerate(exprs.items())
        ],
    }


def dashboard(
    uid: str, title: str, panels: list[dict[str, Any]], boroughs: bool = True
) -> dict[str, Any]:
    """A dashboard laid out two panels a row."""
    for n, p in enumerate(panels):
        p["id"] = n + 1
        p["gridPos"] = {"h": 8, "w": 12, "x": (n % 2) * 12, "y": (n // 2) * 8}
    variables = []
    if boroughs:
        variables.append(
            {
                "name": "borough",
                "label": "Borough",
                "type": "query",
                "datasource": DATASOURCE,
                "query": {
                    "query": "label_values(ssp_view_rostered_seconds, borough)",
                    "refId": "B",
                },
                "includeAll": True,
                "multi": True,
                "allValue": ".*",
                "current": {"text": "All", "value": "$__all"},
                "refresh": 2,
            }
        )
    return {
        "uid": uid,
        "title": title,
        "tags": ["ssp"],
        "timezone": "Europe/London",
        "schemaVersion": 39,
        "version": 1,
        "refresh": "30s",
        "time": {"from": "now-24h", "to": "now"},
        "templating": {"list": variables},
        "panels": panels,
    }


ABSTRACTION = dashboard(
    "ssp-abstraction",
    "SSP: abstraction and ring-fencing",
    [
        panel(
            "Abstraction rate this term",
            {"{{borough}}": f"max by (borough) (ssp_view_abstraction_rate{{{B}}})"},
            unit="percentunit",
            description="Hours abstracted / hours rostered",
        ),
        panel(
            "Hours abstracted by category",
            {
                "{{category}}": f"sum by (category) (max by (borough, category) (ssp_view_abstracted_seconds{{{B}}}))"
            },
            unit="s",
        ),
        panel(
            "Rostered hours this term",
            {"{{borough}}": f"max by (borough) (ssp_view_rostered_seconds{{{B}}})"},
            unit="s",
        ),
        panel(
            "Ring-fenced officers",
            {"{{borough}}": f"max by (borough) (ssp_view_ring_fenced_officers{{{B}}})"},
        ),
        panel(
            "Ring-fence breaches this term",
            {"{{borough}}": f"max by (borough) (ssp_view_ring_fence_breaches{{{B}}})"},
            kind="stat",
        ),
        panel(
            "Ring-fenced officers under the threshold",
            {
                "{{borough}}": f"max by (borough) (ssp_view_ring_fenced_under_threshold_share{{{B}}})"
            },
            unit="percentunit",
        ),
    ],
)

INCIDENTS = dashboard(
    "ssp-incidents",
    "SSP: incidents and searches",
    [
        panel(
            "Incidents this term by category",
            {
                "{{category}}": f"sum by (category) (max by (borough, category) (ssp_view_incidents{{{B}}}))"
            },
        ),
        panel(
            "Share handled internally by the school",
            {
                "{{borough}}": f"max by (borough) (ssp_view_incidents_handled_internally{{{B}}}) / max by (borough) (sum by (borough, instance) (ssp_view_incidents{{{B}}}))"
            },
            unit="percentunit",
        ),
        panel(
            "Arrests on school premises",
            {"{{borough}}": f"max by (borough) (ssp_view_arrests_on_premises{{{B}}})"},
        ),
        panel(
            "Searches by outcome",
            {
                "{{outcome}}": f"sum by (outcome) (max by (borough, outcome) (ssp_view_searches{{{B}}}))"
            },
        ),
        panel(
            "Searches whose outcome was linked to the object",
            {"{{borough}}": f"max by (borough) (ssp_view_searches_linked_share{{{B}}})"},
            unit="percentunit",
        ),
        panel(
            "Notifications owed and evidence awaiting handover",
            {"{{kind}}": f"sum by (kind) (max by (borough, kind) (ssp_view_outstanding{{{B}}}))"},
        ),
        panel(
            "Notional cost per pupil a year",
            {"{{borough}}": f"max by (borough) (ssp_view_cost_per_pupil_gbp{{{B}}})"},
            unit="currencyGBP",
        ),
        panel(
            "Notional cost per incident dealt with this term",
            {"{{borough}}": f"max by (borough) (ssp_view_cost_per_incident_gbp{{{B}}})"},
            unit="currencyGBP",
        ),
    ],
)

DISCLOSURES = dashboard(
    "ssp-disclosures",
    "SSP: Section 115 disclosures",
    [
        panel(
            "Requests by urgency",
            {
                "{{urgency}}": f"sum by (urgency) (max by (borough, urgency) (ssp_view_disclosures{{{B}}}))"
            },
        ),
        panel(
            "Turnaround to decision",
            {
                "median {{urgency}}": f"max by (urgency) (ssp_view_disclosure_turnaround_median_seconds{{{B}}})",
                "p90 {{urgency}}": f"max by (urgency) (ssp_view_disclosure_turnaround_p90_seconds{{{B}}})",
            },
            unit="s",
        ),
        panel(
            "Urgent requests past their deadline",
            {
                "{{borough}}": f'max by (borough) (ssp_view_disclosures_past_deadline{{{B}, urgency="urgent"}})'
            },
            kind="stat",
        ),
        panel(
            "Written confirmations overdue",
            {"{{borough}}": f"max by (borough) (ssp_view_disclosure_confirmations_overdue{{{B}}})"},
        ),
    ],
)

PIPELINE = dashboard(
    "ssp-pipeline",
    "SSP: pipeline health",
    [
        panel(
            "Consumer lag",
            {
                "{{runner}} {{topic}}/{{partition}}": "max by (runner, topic, partition) (ssp_consumer_lag)"
            },
        ),
        panel(
            "Events applied",
            {
                "{{runner}} {{topic}}": "sum by (runner, topic) (rate(ssp_projection_events_applied_total[$__rate_interval]))"
            },
            unit="ops",
        ),
        panel(
            "Dead-lettered messages",
            {
                "{{runner}} {{topic}} {{reason}}": "sum by (runner, topic, reason) (increase(ssp_projection_dead_lettered_total[$__range]))"
            },
        ),
        panel(
            "Batch apply latency",
            {
                "p50 {{runner}}": "histogram_quantile(0.5, sum by (runner, le) (rate(ssp_projection_apply_seconds_bucket[$__rate_interval])))",
                "p95 {{runner}}": "histogram_quantile(0.95, sum by (runner, le) (rate(ssp_projection_apply_seconds_bucket[$__rate_interval])))",
            },
            unit="s",
        ),
        panel(
            "Age of the newest applied event",
            {
                "{{runner}} {{topic}}": "time() - max by (runner, topic) (ssp_projection_newest_event_timestamp_seconds)"
            },
            unit="s",
        ),
        panel(
            "View gauges last refreshed",
            {"{{instance}}": "time() - ssp_view_refreshed_timestamp_seconds"},
            unit="s",
        ),
        panel("Audit trail entries", {"{{instance}}": "ssp_audit_entries"}),
    ],
    boroughs=False,
)


def main() -> None:
    """Write every dashboard file."""
    out = HERE / "dashboards"
    out.mkdir(exist_ok=True)
    for name, board in (
        ("abstraction", ABSTRACTION),
        ("incidents", INCIDENTS),
        ("disclosures", DISCLOSURES),
        ("pipeline", PIPELINE),
    ):
        (out / f"ssp-{name}.json").write_text(json.dumps(board, indent=2) + "\n")


if __name__ == "__main__":
    main()
