"""The relay's worker process: reads the notification log, decrypts, decodes and translates.

Started by the relay (``relay_worker.RelayWorker``) with ``python -m``. It has its own
connection (the library's ``select_notifications``, as the relay's application would run it),
holds no lock and writes nothing: it answers the relay's requests one at a time over its stdin
and stdout. It lives only as long as the relay: it ends when its stdin closes (the relay stops,
or dies: the kernel closes a killed process's pipes) or, if busy, when its parent is gone.
"""

import gc
import logging
import os
import pickle
import signal
import sys
import threading
import time
from collections.abc import Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from typing import IO, Any

from eventsourcing.application import Application
from eventsourcing.persistence import Notification

from services.runtime.gc_batches import collection_deferred
from services.runtime.logs import configure_logging
from services.runtime.relay_batch import resolve, translate
from services.runtime.relay_errors import error_reason
from services.runtime.relay_worker import LENGTH
from services.runtime.translation import Translator

log = logging.getLogger(__name__)


def _read(stream: IO[bytes]) -> Any:
    header = stream.read(LENGTH.size)
    if len(header) < LENGTH.size:
        return None  # the relay closed the pipe, or died
    (size,) = LENGTH.unpack(header)
    return pickle.loads(stream.read(size))


def _write(stream: IO[bytes], answer: Any) -> None:
    body = pickle.dumps(answer, pickle.HIGHEST_PROTOCOL)
    stream.write(LENGTH.pack(len(body)) + body)
    stream.flush()


def _die_with(parent: int) -> None:
    """End this process once ``parent`` is gone (a busy worker reads no EOF)."""
    while os.getppid() == parent:
        time.sleep(1)
    os._exit(0)


class ReadAhead:
    """The library's ``select_notifications``, with the batch after a full one read ahead.

    The next batch's rows come over the network while this one is translated. Rows read ahead
    are still what a read at request time would give first: the log only grows, in id order.
    """

    def __init__(self, app: Application) -> None:
        self.select = app.recorder.select_notifications
        self._thread = ThreadPoolExecutor(1, thread_name_prefix="relay-read-ahead")
        self._ahead: tuple[int, int, Future[Sequence[Notification]]] | None = None

    def read(self, start: int, limit: int) -> Sequence[Notification]:
        """Up to ``limit`` notifications from ``start``; after a full batch, the next one asked."""
        ahead, self._ahead = self._ahead, None
        if ahead is not None and ahead[:2] == (start, limit):
            rows = ahead[2].result()
        else:
            rows = self.select(start, limit)
        if len(rows) == limit:
            self._ahead = (
                rows[-1].id + 1,
                limit,
                self._thread.submit(self.select, rows[-1].id + 1, limit),
            )
        return rows

    def close(self) -> None:
        """Stop the read-ahead thread."""
        self._thread.shutdown(wait=True, cancel_futures=True)


def serve(inp: IO[bytes], out: IO[bytes]) -> None:
    """Answer the relay's requests until it closes the pipe."""
    init = _read(inp)
    if init is None:
        return
    # JSON lines on the relay's stderr, as the relay's own log.
    configure_logging(init["log_as"])
    app_class, translator = resolve(init["app"]), resolve(init["translator"])
    app = app_class(env=init["env"])
    reader = ReadAhead(app)
    # What the imports made lives as long as the process: the collector need not examine it.
    gc.freeze()
    _write(out, "ready")
    while (request := _read(inp)) is not None:
        with collection_deferred():
            _write(out, _answer(reader, app, translator, *request))
    reader.close()
    app.close()


def _answer(
    reader: ReadAhead,
    app: Application,
    translator: Translator,
    start: int,
    limit: int,
    skips: set[int],
    source: str,
) -> tuple[Any, ...]:
    try:
        notifications = reader.read(start, limit)
        messages, poison = translate(app.mapper, translator, notifications, skips, source)
    except Exception as exc:  # the relay's supervisor counts it and retries
        log.exception("relay worker failed reading from notification %d", start)
        return ("error", error_reason(exc), f"{type(exc).__name__}: {exc}"[:500])
    poison_args = poison and (poison.notification_id, poison.reason, poison.error)
    # Pseudonyms first met here: the relay stores them before it publishes these messages.
    actors = list(translator.pseudonyms.take_unsaved().items())
    last = notifications[-1].id if notifications else 0
    return (len(notifications), last, messages, poison_args, actors)


def main() -> None:
    """Entry point of the worker process (``python -m services.runtime.relay_worker``)."""
    # Ctrl-C or a signal to the process group is for the relay, which then drains and closes
    # this worker's stdin; the worker must not vanish under the drain.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    threading.Thread(target=_die_with, args=(os.getppid(),), daemon=True).start()
    # Answers go on a private copy of stdout; anything printed goes to stderr instead.
    out = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)
    serve(sys.stdin.buffer, out)


if __name__ == "__main__":
    main()
