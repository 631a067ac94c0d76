"""Prometheus gauges of the views, refreshed from the read models in the background.

Labels are bounded sets only (borough, category, outcome, urgency, kind): never an
officer, pupil or incident id. A refresh builds a whole snapshot and swaps it in, so a
scrape never sees half of one.
"""

import asyncio
import logging
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import asyncpg
from prometheus_client import CollectorRegistry
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

from services.reporting.queries import oversight, performance
from services.reporting.queries.abstraction import abstraction_rates
from services.reporting.queries.snapshot import current_term, scalar_rows
from services.reporting.queries.value import rates_from
from services.reporting.settings import ReportingSettings

log = logging.getLogger(__name__)
Sample = tuple[dict[str, str], float]
HELP = {
    "ssp_view_rostered_seconds": "Rostered officer time this term",
    "ssp_view_abstracted_seconds": "Officer time abstracted this term, by category",
    "ssp_view_abstraction_rate": "Abstracted / rostered hours this term",
    "ssp_view_ring_fenced_officers": "Ring-fenced officers this term",
    "ssp_view_ring_fence_breaches": "Ring-fence breaches this term",
    "ssp_view_ring_fenced_under_threshold_share": "Ring-fenced officers under the threshold, share",
    "ssp_view_incidents": "Incidents this term, by category",
    "ssp_view_incidents_handled_internally": "Incidents the school dealt with internally this term",
    "ssp_view_arrests_on_premises": "Arrests on school premises this term",
    "ssp_view_searches": "Searches this term, by outcome",
    "ssp_view_searches_linked_share": "Share of searches whose outcome was linked to the object",
    "ssp_view_outstanding": "Notifications still owed and evidence awaiting handover, by kind",
    "ssp_view_disclosures": "Section 115 requests, by urgency",
    "ssp_view_disclosure_turnaround_median_seconds": "Median time from request to decision",
    "ssp_view_disclosure_turnaround_p90_seconds": "p90 of time from request to decision",
    "ssp_view_disclosures_past_deadline": "Urgent requests past their decision deadline, undecided",
    "ssp_view_disclosure_confirmations_overdue": "Urgent requests overdue a written confirmation",
    "ssp_view_cost_per_pupil_gbp": "Notional officer cost (£) per pupil covered, this term so far",
    "ssp_view_cost_per_incident_gbp": "Notional officer cost (£) per incident dealt with this term",
    "ssp_audit_entries": "Entries in the audit trail",
}


class ViewMetrics(Collector):
    """A collector that serves the latest snapshot of every view gauge."""

    def __init__(self, registry: CollectorRegistry) -> None:
        self.snapshot: dict[str, list[Sample]] = {}
        self.refreshed_at = 0.0
        registry.register(self)

    def collect(self) -> Iterator[GaugeMetricFamily]:
        for name, samples in sorted(self.snapshot.items()):
            labels = sorted({k for s, _ in samples for k in s})
            family = GaugeMetricFamily(name, HELP[name], labels=labels)
            for sample, value in samples:
                family.add_metric([sample.get(k, "") for k in labels], value)
            yield family
        refreshed = GaugeMetricFamily(
            "ssp_view_refreshed_timestamp_seconds", "When the view gauges were last computed"
        )
        refreshed.add_metric([], self.refreshed_at)
        yield refreshed

    async def refresh(self, pool: asyncpg.Pool, knobs: ReportingSettings) -> None:
        """Recompute every gauge from the read models and swap the snapshot in."""
        now = datetime.now(UTC)
        async with pool.acquire() as conn:
            # The current term, unless configured (e.g. to watch a term just ended).
            term = knobs.metrics_term or await current_term(conn, now)
            snap = await snapshot(conn, term, now, knobs)
        self.snapshot = snap
        self.refreshed_at = now.timestamp()

    async def run(self, pool: asyncpg.Pool, knobs: ReportingSettings) -> None:
        """Refresh forever; a failed refresh keeps the last snapshot and is logged."""
        while True:
            try:
                await self.refresh(pool, knobs)
            except Exception:
                log.exception("view metrics refresh failed")
            await asyncio.sleep(knobs.metrics_refresh_seconds)


async def snapshot(
    conn: Any, term: str, now: datetime, knobs: ReportingSettings
) -> dict[str, list[Sample]]:
    """Every view gauge for ``term``, judged at ``now``."""
    snap: dict[str, list[Sample]] = {name: [] for name in HELP}

    def put(name: str, labels: dict[str, str], value: Any) -> None:
        if value is not None:
            snap[name].append((labels, float(value)))

    threshold = knobs.ring_fence_threshold
    for r in await abstraction_rates(
        conn, level="borough", period="term", period_value=term, threshold=threshold
    ):
        b = {"borough": r["key"]}
        put("ssp_view_rostered_seconds", b, _seconds(r["rostered_hours"]))
        put("ssp_view_abstraction_rate", b, r["abstraction_rate"])
        put("ssp_view_ring_fenced_officers", b, r["ring_fenced_officers"])
        put("ssp_view_ring_fence_breaches", b, r["ring_fence_breaches"])
        put("ssp_view_ring_fenced_under_threshold_share", b, r["ring_fenced_under_threshold_share"])
        for category, hours in r["hours_by_category"].items():
            put("ssp_view_abstracted_seconds", {**b, "category": category}, _seconds(hours))
    for name, labels, value in await scalar_rows(conn, term):
        put(name, labels, value)
    for r in await performance.searches(conn, borough=None, term=term):
        b = {"borough": r["borough"] or "unknown"}
        put("ssp_view_searches_linked_share", b, r["linked_share"])
        for outcome, n in r["by_outcome"].items():
            put("ssp_view_searches", {**b, "outcome": outcome}, n)
    for r in await oversight.outstanding(conn, borough=None):
        for kind in (
            "head_teacher_incidents",
            "head_teacher_arrests",
            "parents_searches",
            "evidence_awaiting_handover",
        ):
            put(
                "ssp_view_outstanding",
                {"borough": r["borough"] or "unknown", "kind": kind},
                r[kind],
            )
    for r in await oversight.disclosures(conn, borough=None, as_of=now):
        b = {"borough": r["borough"], "urgency": r["urgency"]}
        put("ssp_view_disclosures", b, r["requests"])
        put("ssp_view_disclosures_past_deadline", b, r["past_decision_deadline"])
        put("ssp_view_disclosure_confirmations_overdue", b, r["overdue_confirmations"])
        median, p90 = r["median_turnaround_hours"], r["p90_turnaround_hours"]
        put("ssp_view_disclosure_turnaround_median_seconds", b, _seconds(median))
        put("ssp_view_disclosure_turnaround_p90_seconds", b, _seconds(p90))
    rates = rates_from(knobs.officer_rates)
    for r in await oversight.value_for_money(conn, borough=None, term=term, as_of=now, rates=rates):
        b = {"borough": r["area"], "programme": r["programme"]}
        put("ssp_view_cost_per_pupil_gbp", b, r["cost_per_pupil"])
        put("ssp_view_cost_per_incident_gbp", b, r["cost_per_incident_dealt_with"])
    put("ssp_audit_entries", {}, await conn.fetchval("SELECT count(*) FROM audit_trail"))
    return {k: v for k, v in snap.items() if v}


def _seconds(hours: Any) -> float | None:
    """Hours from the read models in Prometheus' base unit (promtool insists on seconds)."""
    return None if hours is None else float(hours) * 3600
