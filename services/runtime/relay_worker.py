"""The relay's side of its worker process (``relay_worker_process``), which reads the
notification log, decrypts, decodes and translates, so that the relay's event loop only sends
and confirms and the two run on different cores: batch N+1 is translated there while batch N
is sent here. Requests and answers are length-prefixed pickles over the worker's stdin and
stdout, one at a time.
"""

import asyncio
import contextlib
import os
import pickle
import struct
import sys
from typing import Any

from eventsourcing.application import Application

from services.runtime.relay_batch import Batch, topic_of
from services.runtime.relay_errors import Poison, WorkerFailed
from services.runtime.translation import Translator

LENGTH = struct.Struct(">I")
START_TIMEOUT_SECONDS = 60.0


class RelayWorker:
    """The relay's side of the worker: ask for batches, await them in order."""

    def __init__(self, proc: asyncio.subprocess.Process) -> None:
        self.proc = proc
        self._lock = asyncio.Lock()

    @classmethod
    async def start(cls, app: Application, translator: Translator) -> "RelayWorker | None":
        """Start a worker for ``app``'s log; None if another process cannot import them."""
        app_topic = topic_of(type(app), type(app).__module__)
        translator_topic = topic_of(translator, translator.home)
        if app_topic is None or translator_topic is None:
            return None
        proc = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "services.runtime.relay_worker_process",
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            env={**os.environ, "PYTHONPATH": os.pathsep.join(p for p in sys.path if p)},
        )
        worker = cls(proc)
        try:
            # The keys travel over the pipe, never on a command line.
            init = {
                "app": app_topic,
                "env": dict(app.env),
                "translator": translator_topic,
                "log_as": f"{translator.service}-relay-worker",
            }
            ready = await asyncio.wait_for(worker._call(init), START_TIMEOUT_SECONDS)
            if ready != "ready":
                raise WorkerFailed("other", f"relay worker did not start: {ready}")
        except BaseException:
            await worker.close()
            raise
        return worker

    def ask(self, start: int, limit: int, skips: set[int], source: str) -> "asyncio.Task[Batch]":
        """Ask for the batch from ``start``; the task gives it once the worker answers."""
        return asyncio.ensure_future(self._batch((start, limit, skips, source)))

    async def _batch(self, request: tuple[int, int, set[int], str]) -> Batch:
        answer = await self._call(request)
        if answer[0] == "error":
            raise WorkerFailed(answer[1], answer[2])
        read, last, messages, poison, actors = answer
        return Batch(read, last, messages, poison and Poison(*poison), actors)

    async def _call(self, request: Any) -> Any:
        # One request at a time: the lock keeps each answer with its question.
        async with self._lock:
            assert self.proc.stdin is not None and self.proc.stdout is not None
            body = pickle.dumps(request, pickle.HIGHEST_PROTOCOL)
            try:
                self.proc.stdin.write(LENGTH.pack(len(body)) + body)
                await self.proc.stdin.drain()
                (size,) = LENGTH.unpack(await self.proc.stdout.readexactly(LENGTH.size))
                return pickle.loads(await self.proc.stdout.readexactly(size))
            except (asyncio.IncompleteReadError, ConnectionError) as exc:
                raise WorkerFailed("other", f"relay worker {self.proc.pid} ended") from exc

    async def close(self) -> None:
        """End the worker: close its stdin, then kill it if it does not exit at once."""
        if self.proc.stdin is not None:
            self.proc.stdin.close()
        try:
            await asyncio.wait_for(self.proc.wait(), 5)
        except TimeoutError:
            with contextlib.suppress(ProcessLookupError):
                self.proc.kill()
            await self.proc.wait()
