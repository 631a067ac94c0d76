"""The service signs a checkpoint every N entries (or M minutes), and never over a broken trail."""

import asyncio

import asyncpg
import pytest
from prometheus_client import CollectorRegistry
from ssp_contracts.events.audit import AuditCheckpointSigned

from services.reporting.checkpointer import Checkpointer, CheckpointMetrics
from services.reporting.signing import AuditSettings, signature_holds, trusted_keys
from services.reporting.tests.audit_stories import reported
from services.reporting.tests.checkpoint_stories import (
    on,
    publish_and_record,
    settings,
    start_trail,
)
from services.runtime.testing import read_all

pytestmark = pytest.mark.stack
AUDIT = AuditSettings(checkpoint_every_entries=2, checkpoint_every_seconds=3600)


def tick(db: str, metrics: CheckpointMetrics) -> None:
    """One round of the service's checkpoint task."""

    async def run() -> None:
        pool = await asyncpg.create_pool(settings(db).pg_dsn, min_size=1, max_size=1)
        checkpointer = Checkpointer(pool, settings(db).kafka_bootstrap, AUDIT, metrics)
        try:
            await checkpointer.tick()
        finally:
            await checkpointer._reset_producer()
            await pool.close()

    asyncio.run(run())


def test_checkpoints_every_n_entries_and_none_over_a_broken_trail(fresh_db: object) -> None:
    db: str = fresh_db("reporting")  # type: ignore[operator]
    start_trail(db)
    registry = CollectorRegistry()
    metrics = CheckpointMetrics(registry)
    # The first tick signs at once; then one entry is not enough, two are
    publish_and_record(db, [reported(1)])
    tick(db, metrics)
    publish_and_record(db, [reported(2)])
    tick(db, metrics)
    publish_and_record(db, [reported(3)])
    tick(db, metrics)
    signed = on(db, lambda c: c.fetch("SELECT entries FROM audit_checkpoints ORDER BY number"))
    assert [r["entries"] for r in signed] == [1, 3]
    assert registry.get_sample_value("ssp_audit_checkpoint_entries") == 3
    assert registry.get_sample_value("ssp_audit_chain_ok") == 1
    # What went onto Kafka is signed by the service's key and carries hashes, not people
    trail_id = str(on(db, lambda c: c.fetchval("SELECT trail_id FROM audit_epochs")))
    published = [
        AuditCheckpointSigned.model_validate_json(r.value)
        for r in read_all("ssp.audit.checkpoints")
        if r.key == trail_id.encode()
    ]
    assert [c.entries for c in published] == [1, 3]
    assert all(signature_holds(c, trusted_keys(AUDIT)) for c in published)
    # When an entry after the last checkpoint is edited, the next head is not signed
    publish_and_record(db, [reported(4)])
    on(
        db,
        lambda c: c.execute(
            "UPDATE audit_trail SET actor_id = 'x' WHERE seq = (SELECT max(seq) FROM audit_trail)"
        ),
    )
    publish_and_record(db, [reported(5)])
    tick(db, metrics)
    assert registry.get_sample_value("ssp_audit_chain_ok") == 0
    failures = registry.get_sample_value(
        "ssp_audit_checkpoint_failures_total", {"reason": "verification"}
    )
    assert failures == 1
    assert on(db, lambda c: c.fetchval("SELECT count(*) FROM audit_checkpoints")) == 2
