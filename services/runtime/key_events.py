"""Erasures seen at once by every process of a service: key-table deletions over LISTEN/NOTIFY.

``SubjectKeys`` keeps unwrapped data keys for ``cache_seconds`` (30 s), so without this another
instance of the service, or ``ssp retention apply``, would shred a key that this process still
opens for up to that long. A trigger on ``ssp_subject_keys`` notifies every deleted row's
pseudonym (a subject's erasure, a record key shredded with it or at expiry) on
``ssp_subject_keys_deleted``; each service process listens and drops that key from its cache, so
the next open reads the table and finds nothing. While the listening connection is down the
process caches nothing (every open reads the table); after it reconnects it forgets every key
it held, since notices sent meanwhile are lost.

Why a notice, not a look-up on every open: an open from the cache takes a few microseconds,
one from the table a round trip to PostgreSQL (docs/privacy.md gives the measurements), and a
list of records opens several fields a row.
"""

import asyncio
import logging
from typing import Any

import asyncpg

log = logging.getLogger("ssp.key_events")

CHANNEL = "ssp_subject_keys_deleted"
# How often the listener checks its connection (a dropped one is otherwise noticed late).
PROBE_SECONDS = 1.0

DELETE_TRIGGER_DDL = f"""
CREATE OR REPLACE FUNCTION ssp_subject_key_deleted() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('{CHANNEL}', OLD.pseudonym);
    RETURN OLD;
END $$;
CREATE OR REPLACE TRIGGER ssp_subject_key_deleted AFTER DELETE ON ssp_subject_keys
    FOR EACH ROW EXECUTE FUNCTION ssp_subject_key_deleted()
"""


async def create_delete_trigger(conn: Any) -> None:
    """Create the trigger that announces deletions (asyncpg connection of the migration role)."""
    await conn.execute(DELETE_TRIGGER_DDL)


async def follow_deletions(ctx: Any) -> None:
    """Listen for deleted keys and drop them from the application's cache, reconnecting."""
    keys = ctx.application.subjects
    cached = keys.cache_seconds
    settings = ctx.settings
    while True:
        keys.cache_seconds = 0.0  # not listening: nothing may be served from the cache
        try:
            conn = await asyncpg.connect(
                settings.pg_dsn, server_settings={"search_path": settings.db_schema}
            )
            try:
                await conn.add_listener(CHANNEL, lambda *notice: keys.forget(notice[3]))
                keys.forget()  # what was cached before now may be stale
                keys.cache_seconds = cached
                while True:
                    await asyncio.sleep(PROBE_SECONDS)
                    await conn.execute("SELECT 1")
            finally:
                keys.cache_seconds = 0.0
                await conn.close(timeout=2)
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # the database away: no cache until it is back
            log.warning("key deletions not followed (%s); retrying", exc)
            await asyncio.sleep(PROBE_SECONDS)


def start_subject_jobs(ctx: Any) -> None:
    """``ServiceSpec.on_start`` of a service that holds subjects: the retention job, and the
    listener that makes other processes' erasures effective here at once."""
    from services.runtime.retention import start_retention_job

    start_retention_job(ctx)
    if not ctx.settings.in_memory and ctx.application is not None:
        ctx.tasks.append(asyncio.create_task(follow_deletions(ctx), name="key-deletions"))
