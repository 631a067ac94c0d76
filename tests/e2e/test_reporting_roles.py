"""Reporting as deployed: the read models and the audit trail in processes of their own, each
with its own event loop (``SSP_REPORTING_ROLE``; deploy/k8s, the demo's launcher)."""

import asyncio
import uuid
from collections.abc import Callable
from typing import Any

import asyncpg
import httpx
import pytest

from services.cli.workload.platform import runner_topics
from services.reporting import audit_trail
from services.reporting.tests.builders import publish
from services.reporting.tests.performance_stories import schools
from services.reporting.views import AUDIT_RUNNER, VIEWS_RUNNER
from services.runtime.settings import ServiceSettings
from services.runtime.testing import wait_for
from services.runtime.topic_ends import start_runners_at_end

pytestmark = pytest.mark.stack


def _fetch(db: str, sql: str) -> Any:
    async def run() -> Any:
        conn = await asyncpg.connect(ServiceSettings.for_service("reporting", db_name=db).pg_dsn)
        try:
            if sql == "verify":
                return await audit_trail.verify(conn)
            return await conn.fetchval(sql)
        finally:
            await conn.close()

    return asyncio.run(run())


def test_the_views_and_the_audit_trail_run_in_processes_of_their_own(
    services: Callable[..., Any], fresh_db: Callable[[str], str]
) -> None:
    # Given reporting as two processes on one database, the runners at the topics' ends
    db = fresh_db("reporting")
    start_runners_at_end(db, runner_topics())
    common = {
        "SSP_REPORTING_DB_NAME": db,
        "SSP_REPORTING_CONSUMER_GROUP_SUFFIX": f".roles{uuid.uuid4().hex[:8]}",
        "SSP_REPORTING_AUDIT_CHECKPOINT_EVERY_ENTRIES": "2",
        "SSP_REPORTING_AUDIT_CHECKPOINT_POLL_SECONDS": "0.5",
    }
    views = services("reporting", SSP_REPORTING_ROLE="views", **common)
    audit = services("reporting", SSP_REPORTING_ROLE="audit", **common)

    # When three schools are registered
    publish(schools())

    # Then the views process keeps the read models, the audit process the trail and signs it
    wait_for(lambda: _fetch(db, "SELECT count(*) FROM ctx_schools") == 3, what="read model")
    wait_for(lambda: _fetch(db, "SELECT count(*) FROM audit_trail") >= 3, what="audit trail")
    wait_for(lambda: _fetch(db, "SELECT count(*) FROM audit_checkpoints"), what="a checkpoint")
    verdict = _fetch(db, "verify")
    assert verdict.broken is None and verdict.entries >= 3
    # Each process runs only its own runner and tasks, and each is ready
    views_metrics = httpx.get(f"{views.url}/metrics", timeout=10).text
    audit_metrics = httpx.get(f"{audit.url}/metrics", timeout=10).text
    assert f'runner="{VIEWS_RUNNER}"' in views_metrics
    assert f'runner="{AUDIT_RUNNER}"' not in views_metrics
    assert "ssp_audit_chain_ok" not in views_metrics
    assert f'runner="{AUDIT_RUNNER}"' in audit_metrics
    assert f'runner="{VIEWS_RUNNER}"' not in audit_metrics
    assert "ssp_audit_chain_ok 1.0" in audit_metrics
    for process in (views, audit):
        assert httpx.get(f"{process.url}/readyz", timeout=10).status_code == 200
