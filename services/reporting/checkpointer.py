"""The reporting service's checkpoint task: sign and publish the audit trail's head on time.

Its gauges drive the alerts: ``ssp_audit_chain_ok`` goes to 0 when the entries since the last
checkpoint do not verify (the head is then not signed), and
``ssp_audit_checkpoint_timestamp_seconds`` stops moving when checkpoints stop.
"""

import asyncio
import logging

import asyncpg
from aiokafka import AIOKafkaProducer
from prometheus_client import CollectorRegistry, Counter, Gauge
from ssp_contracts import CloudEvent
from ssp_contracts.topics import AUDIT_CHECKPOINTS_TOPIC, kafka_topic

from services.reporting.checkpoints import CheckpointRefused, Send, checkpoint
from services.reporting.signing import AuditSettings
from services.runtime.kafka_security import kafka_client

log = logging.getLogger(__name__)


class CheckpointMetrics:
    """Gauges and counters of the checkpoint task."""

    def __init__(self, registry: CollectorRegistry) -> None:
        self.chain_ok = Gauge(
            "ssp_audit_chain_ok",
            "1 while the audit trail since the last checkpoint verifies, 0 when it does not",
            registry=registry,
        )
        self.last = Gauge(
            "ssp_audit_checkpoint_timestamp_seconds",
            "When the newest audit checkpoint was signed and published",
            registry=registry,
        )
        self.entries = Gauge(
            "ssp_audit_checkpoint_entries",
            "Entries covered by the newest audit checkpoint",
            registry=registry,
        )
        self.failures = Counter(
            "ssp_audit_checkpoint_failures",
            "Checkpoints not signed, by reason (verification, kafka, database)",
            ["reason"],
            registry=registry,
        )
        for reason in ("verification", "kafka", "database"):
            self.failures.labels(reason)
        # No break seen yet; a check that finds one sets 0 (a gauge would start at 0 and
        # raise the alert whenever the database is away at start-up).
        self.chain_ok.set(1)


def sender(producer: AIOKafkaProducer) -> Send:
    """Publish a checkpoint with ``producer`` and wait until every in-sync replica has it."""

    async def send(event: CloudEvent) -> None:
        await producer.send_and_wait(
            kafka_topic(AUDIT_CHECKPOINTS_TOPIC.name),
            event.kafka_value(),
            key=event.kafka_key(),
            headers=event.kafka_headers(),
        )

    return send


def new_producer(bootstrap: str) -> AIOKafkaProducer:
    """An idempotent producer that waits for every in-sync replica."""
    # As the reporting principal: the only one the ACLs let write the checkpoints topic.
    client = kafka_client("reporting", bootstrap).aiokafka()
    return AIOKafkaProducer(acks="all", enable_idempotence=True, **client)


class Checkpointer:
    """Checks every few seconds whether a checkpoint is due, and signs and publishes it."""

    def __init__(
        self,
        pool: asyncpg.Pool,
        bootstrap: str,
        settings: AuditSettings,
        metrics: CheckpointMetrics,
    ) -> None:
        self.pool = pool
        self.bootstrap = bootstrap
        self.settings = settings
        self.metrics = metrics
        self.producer: AIOKafkaProducer | None = None

    async def send(self, event: CloudEvent) -> None:
        """Publish one checkpoint and wait until every in-sync replica has it."""
        if self.producer is None:
            producer = new_producer(self.bootstrap)
            await producer.start()
            self.producer = producer
        await sender(self.producer)(event)

    async def tick(self) -> None:
        """Sign a checkpoint if one is due; record what happened in the metrics."""
        try:
            async with self.pool.acquire() as conn:
                signed = await checkpoint(conn, self.settings, self.send, bootstrap=self.bootstrap)
        except CheckpointRefused as exc:
            self.metrics.chain_ok.set(0)
            self.metrics.failures.labels("verification").inc()
            log.error("audit checkpoint refused: the trail does not verify at %s", exc)
            return
        except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError) as exc:
            self.metrics.failures.labels("database").inc()
            log.warning("audit checkpoint: database: %s", exc)
            return
        except Exception as exc:  # the broker: aiokafka raises its own family
            self.metrics.chain_ok.set(1)  # the entries verified; only the publication failed
            self.metrics.failures.labels("kafka").inc()
            log.warning("audit checkpoint: %s: %s", type(exc).__name__, exc)
            await self._reset_producer()
            return
        self.metrics.chain_ok.set(1)
        if signed is not None:
            self.metrics.last.set(signed.signed_at.timestamp())
            self.metrics.entries.set(signed.entries)
            log.info("audit checkpoint %d signed at entry %d", signed.number, signed.entries)

    async def run(self) -> None:
        """Tick until cancelled."""
        try:
            while True:
                await self.tick()
                await asyncio.sleep(self.settings.checkpoint_poll_seconds)
        finally:
            await self._reset_producer()

    async def _reset_producer(self) -> None:
        if self.producer is not None:
            producer, self.producer = self.producer, None
            await producer.stop()
