"""Where the relay reads and translates: in a thread of its own process until there is a
backlog, then in its worker process (``relay_worker``).

A few events at a time cost little to translate in process and arrive without the worker's
hop; the worker (about 80 MB and a second of CPU to start) pays off when batches come full.
It starts at once when the relay takes the lead behind a backlog of a batch or more, else in the
background at the first full batch, the relay translating in process until it is ready.
"""

import asyncio
import contextlib
import logging

from eventsourcing.application import Application

from services.runtime.relay_batch import InProcessReader
from services.runtime.relay_worker import RelayWorker
from services.runtime.translation import Translator

log = logging.getLogger(__name__)


class Readers:
    """The in-process reader, and the worker once a backlog calls for it."""

    def __init__(self, app: Application, translator: Translator, relay: str, enabled: bool):
        self.app, self.translator, self.relay = app, translator, relay
        self.local = InProcessReader(app, translator)
        self.worker: RelayWorker | None = None
        # False once a worker could not be had: the relay translates in process from then on.
        self.enabled = enabled
        self._starting: asyncio.Task[RelayWorker | None] | None = None

    async def prepare(self, backlog: int, limit: int) -> None:
        """Start the worker now if the log holds a batch or more to publish."""
        if backlog >= limit and self.enabled and self.worker is None:
            self._starting = asyncio.ensure_future(self._start())
            await self._starting
            self._take_started()

    def reader(self, last_read: int, limit: int) -> InProcessReader | RelayWorker:
        """The reader of the next batch; after a full one, the worker (started if need be)."""
        if self._starting is not None and self._starting.done():
            self._take_started()
        if last_read >= limit and self.enabled and self.worker is None and not self._starting:
            self._starting = asyncio.ensure_future(self._start())
        return self.worker or self.local

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
