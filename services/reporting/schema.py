"""Reporting's tables, created by the migration role: the audit trail stays append-only.

The reporting role may read and add to the trail but never change or remove an entry; the
chain head is a single row it moves forward with every batch.
"""

from collections.abc import Sequence

import asyncpg

from services.reporting.feed import create_schema_tables
from services.runtime.dbroles import Restriction

APPEND_ONLY = (
    Restriction("audit_trail", ("SELECT", "INSERT")),
    Restriction("audit_chain_head", ("SELECT", "INSERT", "UPDATE")),
)


async def migrate_schema(conn: asyncpg.Connection) -> Sequence[Restriction]:
    """Every reporting table in the connection's schema; the restrictions on the audit trail."""
    await create_schema_tables(conn)
    return APPEND_ONLY
