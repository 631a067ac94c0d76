"""When the relay takes a worker process, and when it gives one back (its memory with it)."""

import asyncio
from typing import Any

from services.runtime import relay_readers
from services.runtime.relay_readers import Readers
from services.runtime.settings import ServiceSettings


class FakeWorker:
    """Stands for a started worker process: counts its closing."""

    def __init__(self) -> None:
        self.closed = False

    async def close(self) -> None:
        self.closed = True


def readers(monkeypatch: Any, backlog: int = 30, idle: float = 60.0) -> Readers:
    """Readers whose worker start makes a ``FakeWorker`` (no process)."""
    settings = ServiceSettings.for_service(
        "selftest", relay_worker_backlog=backlog, relay_worker_idle_seconds=idle
    )
    found = Readers(None, None, "selftest-outbox", settings)  # type: ignore[arg-type]

    async def start() -> FakeWorker:
        return FakeWorker()

    monkeypatch.setattr(found, "_start", start)
    return found


def test_a_backlog_below_the_threshold_at_the_lead_keeps_translation_in_process(
    monkeypatch: Any,
) -> None:
    async def run() -> None:
        r = readers(monkeypatch)
        await r.prepare(29)
        assert r.worker is None and r.reader(0, 10) is r.local
        await r.prepare(30)
        assert isinstance(r.worker, FakeWorker) and r.reader(0, 10) is r.worker

    asyncio.run(run())


def test_only_full_batches_back_to_back_up_to_the_threshold_start_a_worker(
    monkeypatch: Any,
) -> None:
    async def run() -> None:
        r = readers(monkeypatch)
        # A burst: two full batches of 10, then a short one, then two full again
        for last_read in (0, 10, 10, 3, 10, 10):
            assert r.reader(last_read, 10) is r.local
            await asyncio.sleep(0)
        assert r.worker is None and r._starting is None
        # A third full batch in a row makes 30 events behind: the worker starts beside
        assert r.reader(10, 10) is r.local
        await asyncio.sleep(0)
        assert r.reader(10, 10) is r.worker and isinstance(r.worker, FakeWorker)

    asyncio.run(run())


def test_a_worker_idle_past_its_time_is_ended_and_a_busy_one_kept(monkeypatch: Any) -> None:
    now = [1000.0]
    monkeypatch.setattr(relay_readers.time, "monotonic", lambda: now[0])

    async def run() -> None:
        r = readers(monkeypatch, idle=60)
        await r.prepare(30)
        worker = r.worker
        assert isinstance(worker, FakeWorker)
        now[0] += 59
        await r.rest()
        assert r.worker is worker and not worker.closed
        r.reader(10, 10)  # a full batch: busy again
        now[0] += 59
        await r.rest()
        assert r.worker is worker
        now[0] += 2
        await r.rest()
        assert r.worker is None and worker.closed
        # A later backlog starts another
        await r.prepare(30)
        assert isinstance(r.worker, FakeWorker) and r.worker is not worker

    asyncio.run(run())
