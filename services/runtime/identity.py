"""Each event store's identity, made once when the store is created; ``ce_source`` names it.

Aggregate ids come from natural keys, so two stores (a test database and the demo's, or a
store rebuilt elsewhere) hold different events with equal ``<aggregate id>/<version>`` ids.
CloudEvents makes ``source`` + ``id`` unique per event: the source carries the store's id.
"""

import functools
import re
import uuid
from typing import Any

# One transaction-level lock for the platform's own DDL in a database, so that services or
# runners starting at once do not race on CREATE TABLE IF NOT EXISTS (which can fail then).
DDL_LOCK = 0x55_5350_4444_4C  # "SSPDDL"

IDENTITY_DDL = """
CREATE TABLE IF NOT EXISTS ssp_store_identity (
    only_row boolean PRIMARY KEY DEFAULT true CHECK (only_row),
    store_id uuid NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
)"""

# /ssp/<service>/<store id>; events published before stores had identities lack the last part.
SOURCE = re.compile(r"/ssp/(?P<service>[a-z][a-z0-9_-]{0,39})(?:/(?P<store>[0-9a-f-]{36}))?\Z")


def event_source(service: str, store_id: uuid.UUID | str) -> str:
    """The CloudEvents source of ``service``'s store ``store_id``."""
    return f"/ssp/{service}/{store_id}"


def source_service(source: str) -> str | None:
    """The service a ``ce_source`` names, or None when it is not a platform source."""
    return _parsed_source(source)[0]


def dedup_source(source: str) -> str:
    """The source part of a consumer's dedup key (``ce_source``, ``ce_id``).

    Events from before store identities (``/ssp/<service>``) keep the key they were always
    tracked under, the id alone (source ''), so history replays without double-applying.
    """
    service, store = _parsed_source(source)
    return source if service is None or store else ""


@functools.lru_cache(maxsize=4096)
def _parsed_source(source: str) -> tuple[str | None, str | None]:
    # Cached: consumers look at every record's source, and a platform has few stores.
    found = SOURCE.match(source)
    return (found["service"], found["store"]) if found else (None, None)


async def create_store_tables(conn: Any) -> None:
    """Create the platform's own tables of a service's store (identity, idempotency keys).

    The one place that creates them, so a migration role can run it instead of the service.
    """
    from services.runtime.idempotency_store import IDEMPOTENCY_DDL

    async with conn.transaction():
        await conn.execute("SELECT pg_advisory_xact_lock($1)", DDL_LOCK)
        await conn.execute(IDENTITY_DDL)
        await conn.execute(IDEMPOTENCY_DDL)


async def store_identity(conn: Any) -> uuid.UUID:
    """The store's id, made on first use; services starting at once all get the same one."""
    await create_store_tables(conn)
    # ON CONFLICT: the first insert wins and every caller reads the winner's id.
    await conn.execute(
        "INSERT INTO ssp_store_identity (store_id) VALUES ($1) ON CONFLICT DO NOTHING",
        uuid.uuid4(),
    )
    found: uuid.UUID = await conn.fetchval("SELECT store_id FROM ssp_store_identity")
    return found
