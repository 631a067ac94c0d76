"""Shared steps of the checkpoint stories: events really on Kafka, a trail, a signed checkpoint."""

import argparse
import asyncio
import atexit
import functools
from collections.abc import Awaitable, Callable
from typing import Any

import asyncpg
from kafka import KafkaProducer
from ssp_contracts import CloudEvent
from ssp_contracts.topics import AUDIT_CHECKPOINTS_TOPIC, EVENT_TOPICS, kafka_topic

from services.reporting import checkpoints, cli
from services.reporting.projections.audit import AuditTrail
from services.reporting.schema import migrate_schema
from services.reporting.signing import AuditSettings
from services.reporting.views import AUDIT_RUNNER
from services.runtime.dbroles import as_migrator, migrate
from services.runtime.kafka_security import POISON, kafka_client
from services.runtime.projection import ReceivedEvent
from services.runtime.settings import ServiceSettings
from services.runtime.topic_ends import end_offsets
from services.runtime.tracking import apply_tracked, store_offsets


@functools.cache
def producer() -> KafkaProducer:
    """One producer for every story of the session (starting one takes about a second)."""
    bootstrap = ServiceSettings.for_service("reporting").kafka_bootstrap
    # The test-only principal may write every event topic (the stories publish as any owner).
    made = KafkaProducer(acks="all", **kafka_client(POISON, bootstrap).kafka_python())
    atexit.register(made.close)
    return made


def settings(db: str) -> ServiceSettings:
    """The reporting settings over database ``db``."""
    return ServiceSettings.for_service("reporting", db_name=db)


def on(db: str, step: Callable[[asyncpg.Connection], Awaitable[Any]]) -> Any:
    """Run one step on its own connection (the CLI runs its own event loop too).

    As the tables' owner, the migration role: the stories play the audit runner and also the
    intruder who edits rows, which the reporting role itself may not do.
    """

    async def run() -> Any:
        conn = await asyncpg.connect(as_migrator(settings(db)).pg_dsn)
        try:
            return await step(conn)
        finally:
            await conn.close()

    return asyncio.run(run())


def start_trail(db: str) -> None:
    """Audit tables, and the audit runner starting at the current end of every event topic."""
    ends = end_offsets(settings(db).kafka_bootstrap, EVENT_TOPICS)
    # The tables as a deployment has them: made by the migration, as `make up` does.
    asyncio.run(migrate(settings(db), schema=migrate_schema))

    async def step(conn: asyncpg.Connection) -> None:
        await store_offsets(conn, AUDIT_RUNNER, ends)

    on(db, step)


def publish_and_record(db: str, events: list[ReceivedEvent]) -> list[ReceivedEvent]:
    """Put the events on Kafka, then apply them to the trail as the audit runner would."""
    placed = publish_only(db, events)
    record_placed(db, placed)
    return placed


def publish_only(db: str, events: list[ReceivedEvent]) -> list[ReceivedEvent]:
    """Put the events on Kafka; the events as the runner will receive them."""
    placed = []
    for event in events:
        e = event.envelope
        sent = (
            producer()
            .send(
                kafka_topic(event.topic),
                key=e.kafka_key(),
                value=e.kafka_value(),
                headers=e.kafka_headers(),
            )
            .get(timeout=30)
        )
        placed.append(ReceivedEvent(e, event.payload, event.topic, sent.partition, sent.offset))
    return placed


def record_placed(db: str, placed: list[ReceivedEvent]) -> None:
    """Apply events received from Kafka to the trail, in one batch, as the audit runner does."""

    async def step(conn: asyncpg.Connection) -> None:
        async with conn.transaction():
            await apply_tracked(conn, AUDIT_RUNNER, [AuditTrail()], placed)
            # Kept under the broker's (prefixed) names, as the runner keeps them.
            offsets = {(kafka_topic(e.topic), e.partition): e.offset + 1 for e in placed}
            await store_offsets(conn, AUDIT_RUNNER, offsets)

    on(db, step)


def sign_checkpoint(db: str) -> None:
    """Sign the head now and publish it on ssp.audit.checkpoints."""

    async def send(event: CloudEvent) -> None:
        producer().send(
            kafka_topic(AUDIT_CHECKPOINTS_TOPIC.name),
            key=event.kafka_key(),
            value=event.kafka_value(),
            headers=event.kafka_headers(),
        ).get(timeout=30)

    async def step(conn: asyncpg.Connection) -> None:
        await checkpoints.checkpoint(
            conn,
            AuditSettings(),
            send,
            bootstrap=settings(db).kafka_bootstrap,
            force=True,
        )

    on(db, step)


def ssp(*argv: str) -> int:
    """Run ``ssp <argv>`` with the audit commands registered, as the real CLI does."""
    parser = argparse.ArgumentParser(prog="ssp")
    cli.register(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(argv)
    code: int = args.func(args)
    return code
