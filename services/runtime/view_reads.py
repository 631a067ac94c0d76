"""Reads of a view for the synchronous application: commands see every event before them.

A command that checks a rule across records (an officer's deployments over five years, the
term of a day) must see every event stored before it, as the in-process index it replaces did.
``CurrentRows`` waits until the view's runner has folded the log as far as its head when the
read starts (at most ``WAIT_SECONDS``; usually it already has), then reads the table with the
store's own connection pool. On the in-memory store it folds on read (``MemoryView``).
"""

import re
import time
from typing import Any

from eventsourcing.application import Application

from services.runtime.eventstore import events_table
from services.runtime.paging import PageRows, page_of
from services.runtime.positions import view_behind
from services.runtime.views_pg import LogView, MemoryView, Row, Where, unseal

# Longer than a query's wait for SSP-Min-Position: a command refused for a slow view is worse
# than a slow command, and the runner is normally a few milliseconds behind.
WAIT_SECONDS = 10.0
POLL_SECONDS = 0.005


class CurrentRows:
    """A view read synchronously at the log's head (in a command or a thread-pool query)."""

    def __init__(self, app: Application, view: LogView) -> None:
        self.app = app
        self.view = view
        self.datastore = getattr(app.recorder, "datastore", None)
        self.memory = MemoryView(app, view) if self.datastore is None else None

    def select(self, where: Where = Where()) -> PageRows[Row]:
        """Rows that satisfy ``where``, oldest first, including every event stored so far."""
        if self.memory is not None:
            return self.memory.matching(where)
        self._wait_for_head()
        clause, args = where.sql(self.view)
        # The clause is written for asyncpg ($1, $2...), each placeholder once and in order.
        clause = re.sub(r"\$\d+", "%s", clause)
        statement = (
            f"SELECT id, {self.view.order} AS _order, data FROM {self.view.table}"
            f" WHERE {clause}{where.tail(self.view)}"
        )
        assert self.datastore is not None
        with self.datastore.transaction(commit=False) as curs:
            curs.execute(statement, args)
            rows = curs.fetchall()
        cipher = self.app.mapper.cipher
        return page_of(
            [(r["_order"], r["id"], unseal(dict(r["data"]), cipher)) for r in rows], where.limit
        )

    def _wait_for_head(self) -> None:
        assert self.datastore is not None
        deadline = time.monotonic() + WAIT_SECONDS
        head: int | None = None
        while True:
            with self.datastore.transaction(commit=False) as curs:
                if head is None:
                    table = events_table(self.app)
                    curs.execute(f"SELECT coalesce(max(notification_id), 0) AS head FROM {table}")
                    head = int(curs.fetchone()["head"])
                curs.execute(
                    "SELECT position FROM ssp_view_position WHERE view = %s", (self.view.name,)
                )
                found: Any = curs.fetchone()
            if found is not None and found["position"] >= head:
                return
            if time.monotonic() >= deadline:
                raise view_behind(f"view {self.view.name} has not reached notification {head}")
            time.sleep(POLL_SECONDS)
