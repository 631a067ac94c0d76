"""Statements of a projection batch, sent as runs: one round trip per run, same order."""

from collections.abc import Iterable, Sequence
from typing import Any

from asyncpg import Connection as AsyncpgConnection
from asyncpg.pool import PoolConnectionProxy


class StatementBatch:
    """Stands in for the connection inside ``Projection.apply``; call ``flush`` at the end.

    Consecutive statements with the same SQL go to the server together with
    ``executemany``; a different statement first sends the run before it. Execution order
    is exactly the order of the calls, so the read model ends up as with one ``execute``
    per event — without a round trip per event.
    """

    def __init__(self, conn: AsyncpgConnection | PoolConnectionProxy) -> None:
        self.conn = conn
        self._sql: str | None = None
        self._rows: list[Sequence[Any]] = []

    async def execute(self, sql: str, *args: Any) -> None:
        """Queue one statement."""
        if sql != self._sql:
            await self.flush()
            self._sql = sql
        self._rows.append(args)

    async def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> None:
        """Queue one statement per row."""
        for row in rows:
            await self.execute(sql, *row)

    async def flush(self) -> None:
        """Send the pending run."""
        if self._sql is not None and self._rows:
            await self.conn.executemany(self._sql, self._rows)
        self._sql, self._rows = None, []
