"""Paging in PostgreSQL: the keyset cursor is answered by SQL, as the in-memory view does."""

import asyncio
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import asyncpg
import pytest

from services.runtime.dispatch import Handlers
from services.runtime.paging import decode_cursor
from services.runtime.settings import ServiceSettings
from services.runtime.views_pg import LogView, PostgresView, Where

pytestmark = pytest.mark.stack

VIEW = LogView(
    name="test.paging",
    table="view_test_paging",
    columns=(("kind", "text NOT NULL"), ("at", "timestamptz NOT NULL")),
    indexes=(("kind", "at"),),
    handlers=Handlers(),
)
START = datetime(2026, 7, 8, 11, 0, 0, 123456, tzinfo=UTC)


async def insert(pool: Any, rows: list[tuple[str, datetime]]) -> None:
    await pool.executemany(
        f"INSERT INTO {VIEW.table} (id, kind, at, data) VALUES ($1, 'x', $2, $3)",
        [(i, at, f'{{"id": "{i}"}}') for i, at in rows],
    )


async def every_page(view: PostgresView, limit: int, since: datetime | None = None) -> list[str]:
    found: list[str] = []
    after = None
    while True:
        rows = await view.select(Where(equal={"kind": "x"}, since=since, after=after, limit=limit))
        assert len(rows) <= limit
        found += [r["id"] for r in rows]
        if rows.next_after is None:
            return found
        # The cursor goes out to the client and comes back as text
        after = decode_cursor(rows.next_after.encode())


def test_pages_in_sql_cover_every_row_once_and_stay_stable(
    fresh_db: Callable[[str], str],
) -> None:
    dsn = ServiceSettings.for_service("admin", db_name=fresh_db("paging")).pg_dsn

    async def story() -> None:
        pool = await asyncpg.create_pool(dsn, min_size=1, max_size=2)
        try:
            for statement in VIEW.ddl().split(";\n"):
                await pool.execute(statement)
            # Ties in time (microseconds included) are ordered by id
            await insert(pool, [(f"r{n:02}", START + timedelta(minutes=n // 3)) for n in range(10)])
            view = PostgresView(pool, VIEW)
            assert await every_page(view, 4) == [f"r{n:02}" for n in range(10)]
            assert await every_page(view, 3, since=START + timedelta(minutes=2)) == [
                "r06", "r07", "r08", "r09"
            ]  # fmt: skip
            first = await view.select(Where(equal={"kind": "x"}, limit=5))
            # Rows stored after the cursor: one before it, one at its very instant, one after
            await insert(pool, [("a-early", START), ("r03a", START + timedelta(minutes=1)),
                                ("z-late", START + timedelta(hours=1))])  # fmt: skip
            rest = await view.select(Where(equal={"kind": "x"}, after=first.next_after, limit=100))
            assert [r["id"] for r in rest] == ["r05", "r06", "r07", "r08", "r09", "z-late"]
            assert rest.next_after is None
        finally:
            await pool.close()

    asyncio.run(story())
