"""Outbox relay: publishes the notification log to Kafka in order, supervised and resumable.

One relay per store leads (a PostgreSQL advisory lock); others wait as standbys. Any failure
is logged with the notification id, counted and retried with capped exponential backoff after
reconnecting. An event refused for good stops the relay at it until an operator skips it.
"""

import asyncio
import contextlib
import logging
from typing import Any, cast

from aiokafka import AIOKafkaProducer
from aiokafka.errors import KafkaTimeoutError
from eventsourcing.application import Application

from services.runtime.eventstore import events_table
from services.runtime.identity import event_source, store_identity
from services.runtime.kafka_security import kafka_client
from services.runtime.metrics import RelayMetrics
from services.runtime.relay_batch import Batch
from services.runtime.relay_errors import (
    REFUSED_FOR_GOOD,
    LostLeadership,
    Poison,
    WorkerFailed,
    describe,
    error_reason,
)
from services.runtime.relay_readers import Readers
from services.runtime.relay_sender import BatchSender, Sent
from services.runtime.relay_store import RelayStore
from services.runtime.settings import ServiceSettings
from services.runtime.translation import Translator

log = logging.getLogger(__name__)


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
        self.table = f'"{settings.db_schema}".{events_table(app)}'
        self.metrics = metrics
        self.position = 0
        # The store's own source (``/ssp/<service>/<store id>``), read when the relay starts.
        self.source = settings.source
        self.state = "starting"
        self.stalled_at: int | None = None
        self._wake = asyncio.Event()
        self._stopping = asyncio.Event()
        self._backoff = settings.relay_backoff_initial_seconds
        self._store: RelayStore | None = None
        self._producer: AIOKafkaProducer | None = None
        self._sender: BatchSender | None = None
        self._readers = Readers(app, translator, self.name, settings)

    def status(self) -> str:
        """The relay's state for /readyz: running, standby, backing-off, stalled-at-N, ..."""
        return f"stalled-at-{self.stalled_at}" if self.state == "stalled" else self.state

    async def run(self) -> None:
        """Publish until asked to stop; every failure is logged, counted and retried."""
        try:
            while not self._stopping.is_set():
                try:
                    await self.start()
                    await self._publish_forever()
                except Poison as poison:
                    await self._stall(poison)
                except Exception as exc:  # supervision: log, count, retry
                    self._failed(exc)
                    await self._disconnect()
                    if isinstance(exc, WorkerFailed):
                        await self._readers.drop_worker()  # another at the next backlog
                await self._pause(self._backoff)
                self._backoff = min(self._backoff * 2, self.settings.relay_backoff_max_seconds)
        finally:
            self._set_state("stopped")
            await self._disconnect()
            await self._readers.drop_worker()

    def request_stop(self) -> None:
        """Drain: finish the batches in flight, store their position, then return from run."""
        self._stopping.set()

    async def start(self) -> None:
        """Connect to Postgres, wait to lead the store (standby), connect the producer."""
        if self._store is None or not self._store.alive():
            await self._disconnect()
            self._store = await RelayStore.connect(self.settings.pg_dsn, self.name)
            await self._store.conn.add_listener(self.channel, lambda *_: self._wake.set())
            while not await self._store.try_lead():
                self._set_state("standby")
                if await self._pause(self.settings.relay_standby_poll_seconds):
                    return
            self.position = await self._store.position()
            self.source = event_source(
                self.settings.service, await store_identity(self._store.conn)
            )
            backlog = await self._store.newest(self.table) - self.position
            await self._readers.prepare(backlog)
            await self._observe_lag()
            if self.metrics:
                self.metrics.leader.set(1)
            log.info("relay %s leads; resumes after notification %d", self.name, self.position)
        if self._producer is None:
            s = self.settings
            producer = AIOKafkaProducer(
                **kafka_client(s.service, s.kafka_bootstrap).aiokafka(),
                client_id=self.name,
                max_request_size=self.settings.relay_max_request_bytes,
                **producer_options(),
            )
            try:
                await producer.start()
            except BaseException:
                with contextlib.suppress(Exception):
                    await asyncio.wait_for(producer.stop(), 5)
                raise
            self._producer = producer
            self._sender = BatchSender(producer, self.settings.relay_max_request_bytes)

    async def stop(self) -> None:
        """Drain and close the producer and the connection."""
        self.request_stop()
        await self._disconnect()
        await self._readers.drop_worker()

    async def _publish_forever(self) -> None:
        while not self._stopping.is_set():
            if self.stalled_at is None and self.state != "running":
                self._set_state("running")
            # Cleared before reading, not after an empty read: a NOTIFY that arrives during the
            # read then ends the pause at once instead of waiting out the poll interval.
            self._wake.clear()
            published = await self.run_until_caught_up()
            if published == 0:
                await self._readers.rest()  # caught up: a long-idle worker is ended
                # Polling too: a NOTIFY can be missed while the connection reconnects.
                await self._pause(self.settings.relay_poll_seconds, self._wake)

    async def run_until_caught_up(self) -> int:
        """Publish until the log is exhausted; return how many notifications were read.

        Batch N+1 is read and sent while batch N's acknowledgements are awaited; the position
        moves only past batches whose every event the broker has acknowledged.
        """
        assert self._store is not None, "relay not started"
        store = self._store
        skips = await store.skips_after(self.position)
        total, pending = 0, cast("tuple[Sent, int] | None", None)
        ask: asyncio.Task[Batch] | None = self._ask(self.position + 1, skips, 0)
        while ask is not None:
            batch = await ask
            # The next batch is read and translated while this one is sent.
            more = batch.read and batch.poison is None and not self._stopping.is_set()
            ask = self._ask(batch.last_id + 1, skips, batch.read) if more else None
            sent: Sent = []
            poison = batch.poison
            if batch.read:
                self._adopt(batch.actors)
                # Every actor pseudonym is resolvable by its owner before it is published.
                await self.translator.pseudonyms.save(store.conn)
                assert self._sender is not None, "relay not started"
                sent, refused = await self._sender.send(batch.messages)
                poison = refused or poison
                total += batch.read
            if pending is not None:
                await self._confirm(*pending)
            if poison is not None:
                await self._confirm(sent, poison.notification_id - 1)
                raise poison
            if not batch.read:
                await self._observe_lag()
                return total
            pending = (sent, batch.last_id)
            if self._stopping.is_set():
                break
        assert pending is not None
        await self._confirm(*pending)
        return total

    def _ask(self, start: int, skips: set[int], last_read: int) -> "asyncio.Task[Batch]":
        assert self._store is not None
        if not self._store.alive():
            raise LostLeadership(f"lock connection lost after {self.position}")
        limit = self.settings.relay_batch_size
        task = self._readers.reader(last_read, limit).ask(start, limit, skips, self.source)
        # A batch the relay no longer waits for (it stopped, or failed) is dropped quietly.
        task.add_done_callback(lambda t: t.cancelled() or t.exception())
        return task

    def _adopt(self, actors: list[tuple[str, str]]) -> None:
        """Pseudonyms the worker made become this process's to store before publishing."""
        for pseudonym, sub in actors:
            if self.translator.pseudonyms.of(sub) != pseudonym:
                raise WorkerFailed("other", "the worker's pseudonym key differs from the relay's")

    async def _confirm(self, sent: Sent, last_id: int) -> None:
        assert self._store is not None
        timeout = self.settings.relay_delivery_timeout_seconds
        if sent:
            # The producer retries an absent broker forever; the supervisor reconnects instead.
            _, late = await asyncio.wait([f for _, f, _ in sent], timeout=timeout)
            if late:
                raise KafkaTimeoutError(f"{len(late)} batches unacknowledged after {timeout}s")
        # In log order: a batch refused for good stops the position before its first event.
        for notification_id, future, _ in sent:
            try:
                await future
            except REFUSED_FOR_GOOD as exc:
                # Everything before it is acknowledged: the position stops just short of it.
                await self._save_position(notification_id - 1)
                raise Poison(notification_id, "refused", describe(exc)) from exc
        if last_id > self.position:
            await self._save_position(last_id)
            self._backoff = self.settings.relay_backoff_initial_seconds
        if self.metrics:
            self.metrics.published.inc(sum(count for _, _, count in sent))
        await self._observe_lag()

    async def _save_position(self, position: int) -> None:
        assert self._store is not None, "relay not started"
        if not self._store.alive():
            raise LostLeadership(f"lock connection lost before storing {position}")
        self.position = await self._store.save_position(position)
        if self.stalled_at is not None and self.position >= self.stalled_at:
            self.stalled_at = None
            self._set_state("running")
            if self.metrics:
                self.metrics.stalled_at.set(0)
        if self.metrics:
            self.metrics.position.set(self.position)

    async def _observe_lag(self) -> None:
        if self.metrics and self._store is not None:
            newest = await self._store.newest(self.table)
            self.metrics.lag.set(max(0, newest - self.position))
            self.metrics.position.set(self.position)

    async def _stall(self, poison: Poison) -> None:
        log.error(
            "relay %s stopped at notification %d, refused for good (%s): %s; "
            "fix and restart, or let it past with `ssp relay skip %s %d --reason ...`",
            self.name,
            poison.notification_id,
            poison.reason,
            poison.error,
            self.settings.service,
            poison.notification_id,
        )
        self.stalled_at = poison.notification_id
        self._set_state("stalled")
        if self.metrics:
            self.metrics.error(poison.reason)
            self.metrics.stalled_at.set(poison.notification_id)
        try:
            assert self._store is not None
            await self._store.record_stall(poison.notification_id, poison.error)
            await self._observe_lag()
        except Exception as exc:  # recorded on the next attempt
            self._failed(exc)
            await self._disconnect()

    def _failed(self, exc: BaseException) -> None:
        reason = error_reason(exc)
        log.error(
            "relay %s failed after notification %d (%s: %s); retrying in %.1fs",
            self.name,
            self.position,
            reason,
            exc,
            self._backoff,
            exc_info=exc,
        )
        if self.metrics:
            self.metrics.error(reason)
        if self.state != "stalled":
            self._set_state("backing-off")

    async def _pause(self, seconds: float, wake: asyncio.Event | None = None) -> bool:
        """Sleep up to ``seconds``, less if stopping (or woken); return whether stopping."""
        events = [self._stopping, *([wake] if wake else [])]
        waits = [asyncio.ensure_future(e.wait()) for e in events]
        try:
            await asyncio.wait(waits, timeout=seconds, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for w in waits:
                w.cancel()
        return self._stopping.is_set()

    async def _disconnect(self) -> None:
        producer, store = self._producer, self._store
        self._producer = self._store = self._sender = None
        if self.metrics:
            self.metrics.leader.set(0)
        if producer is not None:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(producer.stop(), 10)
        if store is not None:
            with contextlib.suppress(Exception):
                await store.close()

    def _set_state(self, state: str) -> None:
        self.state = state
        if self.metrics:
            self.metrics.set_state(state)
