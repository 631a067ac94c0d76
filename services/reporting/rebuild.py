"""Rebuild the read models from Kafka into a fresh schema, compare, and swap it in.

The audit trail is not rebuilt: it is only ever appended to. The swap moves its tables, as
they are, into the schema that goes live, with the audit runner's position.
"""

import asyncio
import re
from dataclasses import dataclass

import asyncpg
from ssp_contracts.topics import EVENT_TOPICS

from services.reporting.feed import FeedReport, Specs, create_schema_tables, feed
from services.reporting.views import AUDIT_RUNNER, runner_specs
from services.runtime.projection import Connection
from services.runtime.settings import ServiceSettings
from services.runtime.topic_ends import end_offsets
from services.runtime.tracking import OFFSETS_COLUMNS, PROCESSED_COLUMNS

SCHEMA_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}\Z")
# The append-only audit trail's tables, moved (never rebuilt) by a swap.
AUDIT_TABLES = (
    "audit_trail",
    "audit_chain_head",
    "audit_chain_head_v1",
    "audit_epochs",
    "audit_checkpoints",
)
NOT_COMPARED = {*AUDIT_TABLES, "ssp_processed_events", "ssp_consumer_offsets"}


def rebuilt_specs() -> Specs:
    """The runners a rebuild feeds: every one but the audit trail's."""
    return [(name, projections) for name, projections in runner_specs() if name != AUDIT_RUNNER]


class RebuildError(Exception):
    """The rebuild or swap cannot go ahead; the message says why."""


@dataclass(frozen=True)
class Difference:
    """Rows of one table found in one schema and not the other."""

    table: str
    only_in_live: int
    only_in_fresh: int


def check_schema_name(name: str) -> str:
    """A plain lower-case identifier, so it can be quoted safely into DDL."""
    if not SCHEMA_NAME.match(name):
        raise RebuildError(f"schema {name!r}: use lower-case letters, digits and _ only")
    return name


async def connect(settings: ServiceSettings, schema: str) -> asyncpg.Connection:
    """A connection whose unqualified table names resolve in ``schema``."""
    return await asyncpg.connect(settings.pg_dsn, server_settings={"search_path": schema})


async def rebuild(
    settings: ServiceSettings, schema: str, until: dict[tuple[str, int], int] | None = None
) -> FeedReport:
    """Create ``schema`` (it must not exist); fill it from Kafka up to ``until`` (or now)."""
    check_schema_name(schema)
    conn = await connect(settings, schema)
    try:
        if await conn.fetchval("SELECT 1 FROM pg_namespace WHERE nspname = $1", schema):
            raise RebuildError(f"schema {schema!r} already exists; rebuild into a fresh one")
        await conn.execute(f'CREATE SCHEMA "{schema}"')
        await create_schema_tables(conn, rebuilt_specs())
        if until is None:
            until = await asyncio.to_thread(end_offsets, settings.kafka_bootstrap, EVENT_TOPICS)
        return await feed(conn, settings.kafka_bootstrap, until, specs=rebuilt_specs())
    finally:
        await conn.close()


async def catch_up(
    settings: ServiceSettings, schema: str, until: dict[tuple[str, int], int]
) -> FeedReport:
    """Feed an existing rebuilt schema on from where it stopped up to ``until``."""
    conn = await connect(settings, check_schema_name(schema))
    try:
        return await feed(conn, settings.kafka_bootstrap, until, specs=rebuilt_specs())
    finally:
        await conn.close()


async def compare(conn: Connection, live: str, fresh: str) -> list[Difference]:
    """Every read-model table, row for row (the audit trail is never rebuilt, so not compared)."""
    tables = [
        r["table_name"]
        for r in await conn.fetch(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = $1"
            " ORDER BY table_name",
            live,
        )
        if r["table_name"] not in NOT_COMPARED
    ]
    found = []
    for table in tables:
        a = f'SELECT * FROM "{live}"."{table}"'
        b = f'SELECT * FROM "{fresh}"."{table}"'
        only_live = await conn.fetchval(f"SELECT count(*) FROM ({a} EXCEPT ALL {b}) x")
        only_fresh = await conn.fetchval(f"SELECT count(*) FROM ({b} EXCEPT ALL {a}) x")
        if only_live or only_fresh:
            found.append(Difference(table, only_live, only_fresh))
    return found


async def swap(
    conn: Connection, live: str, fresh: str, retired: str, broker_replaced: bool = False
) -> None:
    """Move the audit trail into fresh, rename live to retired and fresh to live, atomically.

    The live tracking tables are locked first, so no runner batch is half applied; the swap
    is refused if the fresh schema has not reached every offset the live one has, unless the
    broker was replaced (its topics republished from the stores): the live offsets then point
    into topics that no longer exist, and only the fresh schema's fit the new ones.
    """
    for name in (live, fresh, retired):
        check_schema_name(name)
    async with conn.transaction():
        await conn.execute(
            f'LOCK TABLE "{live}".ssp_processed_events, "{live}".ssp_consumer_offsets'
            " IN ACCESS EXCLUSIVE MODE"
        )
        behind = await conn.fetch(
            f"""SELECT l.runner, l.topic, l.partition, l.next_offset AS live,
                       COALESCE(f.next_offset, 0) AS fresh
                FROM "{live}".ssp_consumer_offsets l
                LEFT JOIN "{fresh}".ssp_consumer_offsets f USING (runner, topic, partition)
                WHERE COALESCE(f.next_offset, 0) < l.next_offset AND l.runner <> $1""",
            AUDIT_RUNNER,
        )
        if behind and not broker_replaced:
            b = behind[0]
            raise RebuildError(
                f"fresh schema is behind at {b['runner']} {b['topic']}/{b['partition']}"
                f" ({b['fresh']} < {b['live']}); catch up and swap again"
            )
        # After a broker replacement the trail's offsets point into topics that are gone: its
        # runner reads the new ones from the start, and (source, id) dedup skips what it has.
        await _move_audit_trail(conn, live, fresh, keep_offsets=not broker_replaced)
        await conn.execute(f'ALTER SCHEMA "{live}" RENAME TO "{retired}"')
        await conn.execute(f'ALTER SCHEMA "{fresh}" RENAME TO "{live}"')


async def _move_audit_trail(
    conn: Connection, live: str, fresh: str, keep_offsets: bool = True
) -> None:
    """The trail's tables themselves (same rows, same seqs) and its runner's position."""
    for table in AUDIT_TABLES:
        await conn.execute(f'DROP TABLE IF EXISTS "{fresh}"."{table}"')
        if await conn.fetchval("SELECT to_regclass($1)", f'"{live}"."{table}"') is not None:
            await conn.execute(f'ALTER TABLE "{live}"."{table}" SET SCHEMA "{fresh}"')
    for tracking in ("ssp_processed_events", "ssp_consumer_offsets"):
        await conn.execute(f'DELETE FROM "{fresh}".{tracking} WHERE runner = $1', AUDIT_RUNNER)
        if tracking == "ssp_consumer_offsets" and not keep_offsets:
            continue
        # Named columns: a tracking table migrated from an older shape orders them otherwise.
        columns = PROCESSED_COLUMNS if tracking == "ssp_processed_events" else OFFSETS_COLUMNS
        await conn.execute(
            f'INSERT INTO "{fresh}".{tracking} ({columns})'
            f' SELECT {columns} FROM "{live}".{tracking} WHERE runner = $1',
            AUDIT_RUNNER,
        )


async def live_offsets(conn: Connection, live: str) -> dict[tuple[str, int], int]:
    """The furthest offset any live runner has stored, per (topic, partition)."""
    rows = await conn.fetch(
        f'SELECT topic, partition, max(next_offset) AS o FROM "{live}".ssp_consumer_offsets'
        " GROUP BY 1, 2"
    )
    return {(r["topic"], r["partition"]): r["o"] for r in rows}


async def rebuild_and_swap(
    settings: ServiceSettings,
    fresh: str,
    retired: str,
    attempts: int = 5,
    broker_replaced: bool = False,
) -> FeedReport:
    """Rebuild into ``fresh``, catch up with the live runners, then swap (retrying if they move).

    After a broker loss (reporting stopped, topics republished) the live offsets mean
    nothing: the rebuilt schema is swapped in as it is.
    """
    live = settings.db_schema
    report = await rebuild(settings, fresh)
    if broker_replaced:
        conn = await connect(settings, live)
        try:
            await swap(conn, live, fresh, retired, broker_replaced=True)
        finally:
            await conn.close()
        return report
    for _ in range(attempts):
        conn = await connect(settings, live)
        try:
            target = await live_offsets(conn, live)
            merged = {k: max(v, report.offsets.get(k, 0)) for k, v in target.items()}
            await catch_up(settings, fresh, merged)
            try:
                await swap(conn, live, fresh, retired)
                return report
            except RebuildError:
                continue  # the live runners moved on meanwhile: catch up again
        finally:
            await conn.close()
    raise RebuildError(f"the live runners kept moving; {attempts} swap attempts failed")
