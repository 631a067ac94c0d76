"""Every write service's /metrics passes ``promtool check metrics`` once it has done work.

Reporting's view gauges are linted in test_reporting_prometheus, where they carry data.
"""

from typing import Any

import httpx
import pytest

from services.runtime.testing import wait_for
from tests.e2e.metrics_lint import promtool_findings

pytestmark = pytest.mark.stack


@pytest.mark.parametrize("service", ["incidents", "disclosure", "staffing"])
def test_metrics_pass_prometheus_lint(service: str, services: Any, fresh_db: Any) -> None:
    # Given a running service whose relay has published at least once
    env = {f"SSP_{service.upper()}_DB_NAME": fresh_db(service)}
    process = services(service, **env)
    httpx.get(f"{process.url}/readyz", timeout=10)
    wait_for(
        lambda: "ssp_relay" in httpx.get(f"{process.url}/metrics", timeout=10).text,
        timeout=30,
        what=f"{service}'s relay metrics",
    )
    # Then Prometheus' linter finds nothing to fault
    assert promtool_findings(process.url) == []
