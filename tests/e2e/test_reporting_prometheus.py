"""The real Prometheus of the local stack scrapes reporting after a scenario: every dashboard
query and every alert expression parses and returns data, and the scenario's alerts fire."""

import json
import re
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from services.reporting.tests.abstraction_stories import hackney_and_camden
from services.reporting.tests.builders import publish
from services.reporting.tests.disclosure_stories import deployments, disclosures
from services.reporting.tests.performance_stories import (
    incidents,
    schools,
    searches,
)
from services.runtime.settings import REPO_ROOT, shared, state_dir
from services.runtime.testing import wait_for
from tests.e2e.metrics_lint import promtool_findings

pytestmark = pytest.mark.stack
PROMETHEUS = f"http://127.0.0.1:{shared('PROM_PORT', '19090')}"
DASHBOARDS = sorted((REPO_ROOT / "deploy/grafana/dashboards").glob("*.json"))
ALERTS = REPO_ROOT / "deploy/prometheus/alerts.yml"
# What Grafana substitutes before a query reaches Prometheus.
GRAFANA_VARIABLES = {"$borough": ".*", "$__rate_interval": "1m", "$__range": "15m"}


def query(expr: str) -> list[Any]:
    """Instant query; fails on a parse or evaluation error."""
    answer = httpx.get(f"{PROMETHEUS}/api/v1/query", params={"query": expr}, timeout=10).json()
    assert answer["status"] == "success", (expr, answer)
    result: list[Any] = answer["data"]["result"]
    return result


def dashboard_queries() -> list[tuple[str, str, str]]:
    """(dashboard, panel, expr) of every target, with Grafana's variables substituted."""
    found = []
    for path in DASHBOARDS:
        board = json.loads(path.read_text())
        for panel in board["panels"]:
            for target in panel["targets"]:
                expr = target["expr"]
                for name, value in GRAFANA_VARIABLES.items():
                    expr = expr.replace(name, value)
                found.append((path.stem, panel["title"], expr))
    return found


def alert_names() -> list[str]:
    """Names of the alerts in deploy/prometheus/alerts.yml."""
    return re.findall(r"^\s*- alert:\s*(\w+)", ALERTS.read_text(), flags=re.MULTILINE)


@pytest.fixture
def scraped_reporting(services: Any, fresh_db: Any) -> Iterator[str]:
    """Reporting after the hand-worked scenario, scraped by the stack's Prometheus."""
    reporting = services(
        "reporting",
        SSP_REPORTING_DB_NAME=fresh_db("reporting"),
        SSP_REPORTING_CONSUMER_GROUP_SUFFIX=f".prom{uuid.uuid4().hex[:8]}",
        SSP_REPORTING_METRICS_TERM="2026-autumn",
        SSP_REPORTING_METRICS_REFRESH_SECONDS="1",
    )
    instance = f"127.0.0.1:{reporting.port}"
    target: Path = state_dir() / "prometheus" / "targets" / f"test-reporting-{reporting.port}.json"
    target.write_text(
        json.dumps([{"targets": [instance], "labels": {"service": "reporting-test"}}])
    )
    # Pick up the alert rules as they are in this checkout
    httpx.post(f"{PROMETHEUS}/-/reload", timeout=30).raise_for_status()
    publish(
        [
            *schools(),
            *incidents(),
            *searches(),
            *deployments(),
            *disclosures(),
            *hackney_and_camden(),
        ]
    )
    try:
        yield instance
    finally:
        target.unlink(missing_ok=True)


def test_dashboards_and_alerts_read_real_data(scraped_reporting: str) -> None:
    instance = scraped_reporting
    # Given Prometheus has scraped the scenario's figures (twice, so rates have two samples)
    wait_for(
        lambda: query(
            f'ssp_view_ring_fence_breaches{{instance="{instance}",borough="Hackney"}} > 0'
        ),
        timeout=90,
        what="the scenario's figures in Prometheus",
    )
    wait_for(
        lambda: query(f'count_over_time(ssp_audit_entries{{instance="{instance}"}}[1m]) > 2'),
        timeout=60,
        what="a few scrapes",
    )

    # Then every dashboard query parses and returns data
    queries = dashboard_queries()
    assert len(DASHBOARDS) == 4 and len(queries) >= 20
    empty = [(board, title) for board, title, expr in queries if not query(expr)]
    assert empty == [], f"dashboard queries without data: {empty}"
    assert query("count(ssp_view_rostered_seconds) by (borough)")  # the borough variable

    # And the exposition itself passes Prometheus' linter, every view gauge included
    assert promtool_findings(f"http://{instance}") == []

    # And every alert rule is loaded, evaluates cleanly, and its query returns data
    rules = {
        r["name"]: r
        for g in httpx.get(f"{PROMETHEUS}/api/v1/rules").json()["data"]["groups"]
        for r in g["rules"]
    }
    # The relays' alerts need a relay, not reporting: tests/reliability/test_relay_alerts.py.
    names = [n for n in alert_names() if not n.startswith("SSPRelay")]
    assert len(names) == 6
    for name in names:
        loaded = rules.get(name)
        assert loaded is not None, f"{name} not loaded: is {ALERTS} in the stack's config?"
        assert loaded["health"] != "err", (name, loaded.get("lastError"))
        base, comparison = re.split(r"\s(?=[<>]=?\s*[0-9.]+\s*$)", loaded["query"].strip())
        assert comparison and query(base), f"{name}: {base} returns no data"

    # And the scenario's ring-fence breach and overdue urgent disclosure raise their alerts
    def firing() -> set[str]:
        alerts = httpx.get(f"{PROMETHEUS}/api/v1/alerts").json()["data"]["alerts"]
        return {
            a["labels"]["alertname"]
            for a in alerts
            if a["state"] == "firing" and a["labels"].get("borough") == "Hackney"
        }

    expected = {"SSPRingFenceBreach", "SSPUrgentDisclosurePastDeadline"}
    wait_for(lambda: expected <= firing(), timeout=60, what=f"alerts {expected} firing")
