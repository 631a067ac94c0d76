"""Outbox relay: publishes the notification log to Kafka in order, resuming after any crash."""

import asyncio
import contextlib
import logging
from collections.abc import Sequence
from typing import Any

import asyncpg
from aiokafka import AIOKafkaProducer
from eventsourcing.application import Application
from eventsourcing.persistence import Notification

from services.runtime.eventstore import events_table
from services.runtime.metrics import RelayMetrics
from services.runtime.settings import ServiceSettings
from services.runtime.translation import OutgoingMessage, Translator

log = logging.getLogger(__name__)

POSITION_DDL = """
CREATE TABLE IF NOT EXISTS ssp_relay_position (
    relay text PRIMARY KEY,
    position bigint NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now()
)"""


def producer_options() -> dict[str, Any]:
    """Producer settings of the relay; the raw baseline benchmark uses the same."""
    return {
        "enable_idempotence": True,
        "acks": "all",
        "linger_ms": 5,
        "max_batch_size": 512 * 1024,
    }


class OutboxRelay:
    """Reads one application's notification log and publishes each event as a CloudEvent."""

    def __init__(
        self,
        app: Application,
        translator: Translator,
        settings: ServiceSettings,
        metrics: RelayMetrics | None = None,
    ) -> None:
        self.app = app
        self.translator = translator
        self.settings = settings
        self.name = f"{settings.service}-outbox"
        # The library's recorder NOTIFYs this channel in every transaction that saves events.
        self.channel = getattr(app.recorder, "channel_name", events_table(app))
        self.metrics = metrics
        self.position = 0
        self._wake = asyncio.Event()
        self._conn: asyncpg.Connection | None = None
        self._producer: AIOKafkaProducer | None = None

    async def start(self) -> None:
        """Connect to Postgres and Kafka, listen for new events, load the position."""
        self._conn = await asyncpg.connect(self.settings.pg_dsn)
        await self._conn.execute(POSITION_DDL)
        await self._conn.add_listener(self.channel, lambda *_: self._wake.set())
        row = await self._conn.fetchval(
            "SELECT position FROM ssp_relay_position WHERE relay = $1", self.name
        )
        self.position = row or 0
        self._producer = AIOKafkaProducer(
            bootstrap_servers=self.settings.kafka_bootstrap,
            client_id=self.name,
            **producer_options(),
        )
        await self._producer.start()
        log.info("relay %s resumes after notification %d", self.name, self.position)

    async def stop(self) -> None:
        """Flush and close the producer and the connection."""
        if self._producer is not None:
            await self._producer.stop()
        if self._conn is not None:
            await self._conn.close()

    async def run(self) -> None:
        """Publish forever: drain the log, then sleep until notified or the poll interval."""
        while True:
            published = await self.run_until_caught_up()
            if published == 0:
                self._wake.clear()
                # Polling too: a NOTIFY can be missed while the connection reconnects.
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._wake.wait(), self.settings.relay_poll_seconds)

    async def run_until_caught_up(self) -> int:
        """Publish until the log is exhausted; return how many notifications were read.

        Batch N+1 is read and sent while batch N's acknowledgements are awaited; the position
        moves only past batches whose every event the broker has acknowledged.
        """
        total = 0
        read_from = self.position + 1
        pending: tuple[list[asyncio.Future[Any]], int] | None = None
        while True:
            notifications = await asyncio.to_thread(
                self.app.recorder.select_notifications, read_from, self.settings.relay_batch_size
            )
            sent: list[asyncio.Future[Any]] = []
            if notifications:
                events = await asyncio.to_thread(self._translate, notifications)
                sent = await self._send(events)
                read_from = notifications[-1].id + 1
                total += len(notifications)
            if pending is not None:
                await self._confirm(*pending)
            if not notifications:
                return total
            pending = (sent, notifications[-1].id)

    async def _confirm(self, sent: list[asyncio.Future[Any]], last_id: int) -> None:
        await asyncio.gather(*sent)
        # Only now, with every event acknowledged, may the position move on.
        await self._save_position(last_id)
        if self.metrics:
            self.metrics.published.inc(len(sent))
            self.metrics.position.set(self.position)

    def _translate(self, notifications: Sequence[Notification]) -> list[OutgoingMessage]:
        out = []
        for notification in notifications:
            message = self.translator.message(self.app.mapper.to_domain_event(notification))
            if message is not None:
                out.append(message)
        return out

    async def _send(self, messages: list[OutgoingMessage]) -> list[asyncio.Future[Any]]:
        """Hand every message to the producer in order; return their acknowledgement futures."""
        assert self._producer is not None, "relay not started"
        send = self._producer.send
        return [await send(m.topic, value=m.value, key=m.key, headers=m.headers) for m in messages]

    async def _save_position(self, position: int) -> None:
        assert self._conn is not None, "relay not started"
        await self._conn.execute(
            """INSERT INTO ssp_relay_position (relay, position) VALUES ($1, $2)
               ON CONFLICT (relay) DO UPDATE SET position = $2, updated_at = now()""",
            self.name,
            position,
        )
        self.position = position
