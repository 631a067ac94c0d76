"""Keeps a service's view tables up to date from its own notification log, at tracked positions.

Each view has a row in ``ssp_view_position``. A batch is applied in one transaction: lock the
view's position row (``FOR UPDATE SKIP LOCKED``, so when several instances run, one applies
and the others pass on and go on answering reads), read the notifications after it, apply the
fold handlers' rows, store the new position. A crash loses only an uncommitted batch; a restart
reads nothing before the stored position, so start-up does not depend on history size.
"""

import asyncio
import contextlib
import json
import logging
from collections.abc import Sequence
from typing import Any

import asyncpg
from eventsourcing.application import Application
from eventsourcing.persistence import Notification

from services.runtime.eventstore import events_table
from services.runtime.views_pg import POSITION_DDL, LogView, Rows, jsonable, seal

log = logging.getLogger("ssp.views")

BATCH = 500
POLL_SECONDS = 1.0
BACKOFF_MAX_SECONDS = 30.0


def view_schema(views: Sequence[LogView]) -> str:
    """The DDL of the position table, the views' tables and their position rows."""
    rows = "".join(
        f";\nINSERT INTO ssp_view_position (view) VALUES ('{v.name}') ON CONFLICT DO NOTHING"
        for v in views
    )
    return POSITION_DDL + "".join(f";\n{v.ddl()}" for v in views) + rows


async def positions(conn: Any, names: Sequence[str]) -> int:
    """The lowest stored position of the views ``names`` (0 for one not yet folded)."""
    found = await conn.fetch(
        "SELECT view, position FROM ssp_view_position WHERE view = ANY($1::text[])", list(names)
    )
    by_name = {r["view"]: r["position"] for r in found}
    return min((int(by_name.get(n, 0)) for n in names), default=0)


class ViewRunner:
    """The background task that folds the notification log into a service's view tables."""

    def __init__(self, app: Application, pool: asyncpg.Pool, views: Sequence[LogView]) -> None:
        self.app = app
        self.pool = pool
        self.views = list(views)
        self.table = events_table(app)
        self.channel = getattr(app.recorder, "channel_name", self.table)
        self.wake = asyncio.Event()

    async def run(self) -> None:
        """Apply batches until cancelled; woken by the store's NOTIFY, polling as a fallback."""
        backoff = 0.5
        while True:
            listener: Any = None  # a pooled connection, held while the runner listens
            try:
                listener = await self.pool.acquire()
                # The migration makes each view's row; one added since starts from 0.
                await listener.executemany(
                    "INSERT INTO ssp_view_position (view) VALUES ($1) ON CONFLICT DO NOTHING",
                    [(v.name,) for v in self.views],
                )
                await listener.add_listener(self.channel, self._notified)
                while True:
                    self.wake.clear()
                    if await self.catch_up() == 0:
                        with contextlib.suppress(TimeoutError):
                            await asyncio.wait_for(self.wake.wait(), POLL_SECONDS)
                    backoff = 0.5
            except asyncio.CancelledError:
                raise
            except Exception:  # supervision: log and retry with a new connection
                log.exception("view runner failed; retrying in %.1fs", backoff)
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, BACKOFF_MAX_SECONDS)
            finally:
                if listener is not None:
                    with contextlib.suppress(Exception):
                        await listener.remove_listener(self.channel, self._notified)
                    await self.pool.release(listener)

    def _notified(self, *_: Any) -> None:
        self.wake.set()

    async def catch_up(self) -> int:
        """Apply every view up to the log's head as it is now; return how many events were read."""
        total = 0
        for view in self.views:
            while True:
                read, full = await self.apply_batch(view)
                total += read
                if not full:
                    break
        return total

    async def apply_batch(self, view: LogView, batch: int = BATCH) -> tuple[int, bool]:
        """One transaction of ``view``: (events read, whether more may follow)."""
        async with self.pool.acquire() as conn, conn.transaction():
            position = await conn.fetchval(
                "SELECT position FROM ssp_view_position WHERE view = $1 FOR UPDATE SKIP LOCKED",
                view.name,
            )
            if position is None:
                return 0, False  # another instance is applying this view now
            # Ids are assigned and committed in order (the store's table lock), so every id up
            # to the head seen here is visible to the next statement.
            head = await conn.fetchval(
                f"SELECT coalesce(max(notification_id), 0) FROM {self.table}"
            )
            if head <= position:
                return 0, False
            records = await conn.fetch(
                f"""SELECT notification_id, originator_id, originator_version, topic, state
                    FROM {self.table} WHERE notification_id > $1 AND notification_id <= $2
                    AND topic = ANY($3::text[]) ORDER BY notification_id LIMIT $4""",
                position,
                head,
                view.topics(),
                batch,
            )
            full = len(records) == batch
            rows = await asyncio.to_thread(self._fold, view, records)
            await apply_rows(conn, view, rows, self.app.mapper.cipher)
            new = records[-1]["notification_id"] if full else head
            await conn.execute(
                "UPDATE ssp_view_position SET position = $2, updated_at = now() WHERE view = $1",
                view.name,
                new,
            )
            return len(records), full

    def _fold(self, view: LogView, records: Sequence[asyncpg.Record]) -> Rows:
        """Decrypt and decode ``records`` and run their handlers (off the event loop)."""
        rows = Rows(self.app)
        for r in records:
            event = self.app.mapper.to_domain_event(
                Notification(
                    id=r["notification_id"],
                    originator_id=r["originator_id"],
                    originator_version=r["originator_version"],
                    topic=r["topic"],
                    state=bytes(r["state"]),
                )
            )
            handler = view.handlers.get(event)
            if handler is not None:
                handler(rows, event)
        return rows


async def apply_rows(conn: Any, view: LogView, rows: Rows, cipher: Any = None) -> None:
    """Write the handlers' ``put``s and ``update``s, in order, on ``conn``."""
    columns = view.column_names()
    for op, row_id, fields in rows.ops:
        if op == "update" and view.sealed & fields.keys():
            # One ciphertext holds all of a row's sealed fields: only a whole row replaces it.
            raise ValueError(f"{view.name}: sealed fields are written by put, not update")
        fields = seal(view, fields, cipher)
        data = json.dumps({k: jsonable(v) for k, v in fields.items()})
        indexed = [(k, v) for k, v in fields.items() if k in columns]
        if op == "put":
            names = ", ".join(["id", "data", *(k for k, _ in indexed)])
            marks = ", ".join(f"${i}" for i in range(1, len(indexed) + 3))
            sets = ", ".join(["data = EXCLUDED.data", *(f"{k} = EXCLUDED.{k}" for k, _ in indexed)])
            statement = (
                f"INSERT INTO {view.table} ({names}) VALUES ({marks})"
                f" ON CONFLICT (id) DO UPDATE SET {sets}"
            )
        else:
            sets = ", ".join(
                [
                    "data = data || $2::jsonb",
                    *(f"{k} = ${i + 3}" for i, (k, _) in enumerate(indexed)),
                ]
            )
            statement = f"UPDATE {view.table} SET {sets} WHERE id = $1"
        await conn.execute(statement, row_id, data, *(v for _, v in indexed))


def view_step(views: Sequence[LogView], then: Any = None) -> Any:
    """A ``SchemaStep`` creating the views' tables as the migration role (after ``then``)."""

    async def step(conn: asyncpg.Connection) -> list[Any]:
        restrictions = list(await then(conn)) if then is not None else []
        await conn.execute(view_schema(views))
        return restrictions

    return step
