"""The view gauges: bounded labels, figures that match the views."""

from datetime import UTC, datetime

import asyncpg
import pytest
from fastapi.testclient import TestClient
from prometheus_client import CollectorRegistry, generate_latest
from ssp_contracts.events import staffing as s

from services.reporting.metrics import ViewMetrics, snapshot
from services.reporting.settings import ReportingSettings
from services.reporting.tests.abstraction_stories import hackney_and_camden
from services.reporting.tests.builders import received
from services.reporting.tests.disclosure_stories import deployments, disclosures
from services.reporting.tests.performance_stories import (
    incidents,
    schools,
    searches,
)
from services.reporting.views import all_projections, apply_events
from services.runtime.projection import ReceivedEvent

pytestmark = pytest.mark.stack
TERM = "2026-autumn"
LATER = datetime(2026, 11, 13, 10, 0, tzinfo=UTC)
IDS = ("officer-", "pupil-", "S1:", "incident", "search-")


def story() -> list[ReceivedEvent]:
    return [
        *schools(),
        *incidents(),
        *searches(),
        *deployments(),
        *disclosures(),
        *hackney_and_camden(),
        *constables(),
    ]


@pytest.fixture
async def given_an_autumn_term(read_models: asyncpg.Connection) -> asyncpg.Connection:
    async with read_models.transaction():
        await apply_events(read_models, all_projections(), story())
    return read_models


async def test_gauges_carry_the_view_figures(given_an_autumn_term: asyncpg.Connection) -> None:
    snap = await snapshot(given_an_autumn_term, TERM, LATER, ReportingSettings())

    def value(name: str, **labels: str) -> float:
        [found] = [v for s, v in snap[name] if s == labels]
        return found

    assert value("ssp_view_abstraction_rate", borough="Hackney") == round(12 / 56, 4)
    assert value("ssp_view_ring_fence_breaches", borough="Hackney") == 1
    assert value("ssp_view_abstracted_seconds", borough="Hackney", category="court") == 8 * 3600
    assert value("ssp_view_incidents", borough="Hackney", category="robbery") == 2
    assert value("ssp_view_arrests_on_premises", borough="Hackney") == 1
    assert value("ssp_view_searches", borough="Hackney", outcome="Arrest") == 1
    assert value("ssp_view_outstanding", borough="Hackney", kind="parents_searches") == 2
    assert value("ssp_view_disclosures_past_deadline", borough="Hackney", urgency="urgent") == 1
    assert (
        value("ssp_view_disclosure_turnaround_p90_seconds", borough="Hackney", urgency="urgent")
        == 3.8 * 3600
    )
    # By 13 Nov: A and B 73 days of Hackney's term (from 2 Sep), D 60 (to 31 Oct), C 74 of
    # Camden's (from 1 Sep): the daily cost of a police officer, per pupil of S1-S3
    per_pupil = round(44_202 / 365 * (73 + 73 + 60 + 74) / 2300, 2)
    ssp = {"borough": "London", "programme": "safer_schools_partnership"}
    assert value("ssp_view_cost_per_pupil_gbp", **ssp) == per_pupil


def constables() -> list[ReceivedEvent]:
    """Officers A-D registered as constables."""
    return [
        received(
            s.OfficerRegistered(
                officer_id=f"officer-{x}",
                rank="constable",
                borough="Camden" if x == "c" else "Hackney",
                selection_panel=["police"],
            )
        )
        for x in "abcd"
    ]


async def test_no_label_names_a_person_or_a_record(
    given_an_autumn_term: asyncpg.Connection,
) -> None:
    snap = await snapshot(given_an_autumn_term, TERM, LATER, ReportingSettings())
    allowed = {"borough", "category", "outcome", "urgency", "kind", "programme"}
    for name, samples in snap.items():
        for labels, _ in samples:
            assert set(labels) <= allowed, name
            assert not any(v.startswith(IDS) for v in labels.values()), (name, labels)


async def test_the_collector_serves_the_snapshot_on_metrics(
    given_an_autumn_term: asyncpg.Connection,
) -> None:
    registry = CollectorRegistry()
    metrics = ViewMetrics(registry)
    metrics.snapshot = await snapshot(given_an_autumn_term, TERM, LATER, ReportingSettings())
    text = generate_latest(registry).decode()
    assert 'ssp_view_ring_fence_breaches{borough="Hackney"} 1.0' in text
    # Every event of the story also went to the audit trail
    assert f"ssp_audit_entries {float(len(story()))}" in text


def test_metrics_endpoint_answers_in_memory() -> None:
    from services.reporting.main import create_app
    from services.runtime.settings import ServiceSettings

    with TestClient(create_app(ServiceSettings.for_service("reporting", in_memory=True))) as c:
        assert c.get("/metrics").status_code == 200
