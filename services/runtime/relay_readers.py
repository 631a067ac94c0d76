"""Where the relay reads and translates: in a thread of its own process until there is a
backlog, then in its worker process (``relay_worker``).

A few events at a time cost little to translate in process and arrive without the worker's
hop; the worker (about 85 MB and a second of CPU to start) pays off for a catch-up, not for a
burst. It starts at once when the relay takes the lead behind ``RELAY_WORKER_BACKLOG`` events
or more, else in the background once that many have come in full batches back to back, the
relay translating in process until it is ready; it ends once it has had no full batch for
``RELAY_WORKER_IDLE_SECONDS``, so a service's memory goes back to its own after a catch-up.
"""

import asyncio
import contextlib
import logging
import time

from eventsourcing.application import Application

from services.runtime.relay_batch import InProcessReader
from services.runtime.relay_worker import RelayWorker
from services.runtime.settings import ServiceSettings
from services.runtime.translation import Translator

log = logging.getLogger(__name__)


class Readers:
    """The in-process reader, and the worker once a backlog calls for it."""

    def __init__(
        self, app: Application, translator: Translator, relay: str, settings: ServiceSettings
    ):
        self.app, self.translator, self.relay = app, translator, relay
        self.local = InProcessReader(app, translator)
        self.worker: RelayWorker | None = None
        # False once a worker could not be had: the relay translates in process from then on.
        self.enabled = settings.relay_worker
        self.backlog = settings.relay_worker_backlog
        self.idle_seconds = settings.relay_worker_idle_seconds
        self._starting: asyncio.Task[RelayWorker | None] | None = None
        self._in_full_batches = 0  # events read in full batches back to back
        self._last_full = time.monotonic()

    async def prepare(self, backlog: int) -> None:
        """Start the worker now if ``backlog`` events wait to be published."""
        if backlog >= self.backlog:
            self._begin()
        if self._starting is not None:
            await self._starting
            self._take_started()
            self._last_full = time.monotonic()

    def reader(self, last_read: int, limit: int) -> InProcessReader | RelayWorker:
        """The reader of the next batch (``last_read`` events came in the one before): the
        worker once a backlog has come in full batches back to back (started if need be)."""
        if self._starting is not None and self._starting.done():
            self._take_started()
        if last_read >= limit:
            self._in_full_batches += last_read
            self._last_full = time.monotonic()
        else:
            self._in_full_batches = 0
        if self._in_full_batches >= self.backlog:
            self._begin()
        return self.worker or self.local

    def _begin(self) -> None:
        """Start a worker in the background, unless one runs, starts or could not be had."""
        if self.enabled and self.worker is None and self._starting is None:
            self._starting = asyncio.ensure_future(self._start())

    async def rest(self) -> None:
        """The relay has caught up: end a worker that has had no full batch for a while."""
        idle = time.monotonic() - self._last_full >= self.idle_seconds
        if idle and (self.worker is not None or self._starting is not None):
            log.info("relay %s caught up: its worker process ends", self.relay)
            await self.drop_worker()

    async def drop_worker(self) -> None:
        """End the worker (it failed, or the relay stops); a backlog starts another."""
        starting, self._starting = self._starting, None
        if starting is not None:
            starting.cancel()
            with contextlib.suppress(BaseException):
                if started := await starting:
                    await started.close()
        worker, self.worker = self.worker, None
        if worker is not None:
            await worker.close()

    def _take_started(self) -> None:
        starting, self._starting = self._starting, None
        if starting is None or starting.cancelled():
            return
        self.worker = starting.result()
        if self.worker is None:
            self.enabled = False

    async def _start(self) -> RelayWorker | None:
        try:
            worker = await RelayWorker.start(self.app, self.translator)
        except Exception as exc:  # the relay still works, on one core
            log.warning("relay %s: no worker process (%s); translating here", self.relay, exc)
            return None
        if worker is not None:
            log.info("relay %s translates in process %d", self.relay, worker.proc.pid)
        return worker
