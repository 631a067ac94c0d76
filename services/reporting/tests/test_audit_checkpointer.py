"""The service signs a checkpoint every N entries (or M minutes), and never over a broken trail."""

import asyncpg
import pytest
from prometheus_client import CollectorRegistry
from ssp_contracts.events.audit import AuditCheckpointSigned

from services.reporting.checkpointer import Checkpointer, CheckpointMetrics
from services.reporting.checkpoints import AuditSettings, signature_holds, trusted_keys
from services.reporting.tests.audit_stories import record, reported
from services.runtime.settings import ServiceSettings
from services.runtime.testing import read_all

pytestmark = pytest.mark.stack


async def test_checkpoints_every_n_entries_and_none_over_a_broken_trail(
    reporting_db: str, read_models: asyncpg.Connection
) -> None:
    settings = ServiceSettings.for_service("reporting", db_name=reporting_db)
    audit = AuditSettings(checkpoint_every_entries=2, checkpoint_every_seconds=3600)
    registry = CollectorRegistry()
    pool = await asyncpg.create_pool(settings.pg_dsn, min_size=1, max_size=2)
    checkpointer = Checkpointer(pool, settings.kafka_bootstrap, audit, CheckpointMetrics(registry))
    try:
        # The first tick signs at once; then one entry is not enough, two are
        await record(read_models, [reported(1)])
        await checkpointer.tick()
        await record(read_models, [reported(2)])
        await checkpointer.tick()
        await record(read_models, [reported(3)])
        await checkpointer.tick()
        signed = await read_models.fetch("SELECT entries FROM audit_checkpoints ORDER BY number")
        assert [r["entries"] for r in signed] == [1, 3]
        assert registry.get_sample_value("ssp_audit_checkpoint_entries") == 3
        assert registry.get_sample_value("ssp_audit_chain_ok") == 1
        # What went onto Kafka is signed by the service's key and carries hashes, not people
        trail_id = str(await read_models.fetchval("SELECT trail_id FROM audit_epochs"))
        published = [
            AuditCheckpointSigned.model_validate_json(r.value)
            for r in read_all("ssp.audit.checkpoints")
            if r.key == trail_id.encode()
        ]
        assert [c.entries for c in published] == [1, 3]
        assert all(signature_holds(c, trusted_keys(audit)) for c in published)
        # When an entry after the last checkpoint is edited, the next head is not signed
        await record(read_models, [reported(4)])
        await read_models.execute(
            "UPDATE audit_trail SET actor_id = 'x' WHERE seq = (SELECT max(seq) FROM audit_trail)"
        )
        await record(read_models, [reported(5)])
        await checkpointer.tick()
        assert registry.get_sample_value("ssp_audit_chain_ok") == 0
        assert (
            registry.get_sample_value(
                "ssp_audit_checkpoint_failures_total", {"reason": "verification"}
            )
            == 1
        )
        assert await read_models.fetchval("SELECT count(*) FROM audit_checkpoints") == 2
    finally:
        await checkpointer._reset_producer()
        await pool.close()
