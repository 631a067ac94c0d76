"""Reporting's tables, created by the migration role: the audit trail stays append-only.

The reporting role may read and add to the trail but never change or remove an entry: the
chain head gains a row per batch (the newest is the head), epochs and signed checkpoints are
appended too, and the head before version 2 of the hashing is only read.
"""

from collections.abc import Sequence

import asyncpg

from services.reporting.feed import create_schema_tables
from services.runtime.dbroles import Restriction

APPEND_ONLY = (
    Restriction("audit_trail", ("SELECT", "INSERT")),
    Restriction("audit_chain_head", ("SELECT", "INSERT")),
    Restriction("audit_epochs", ("SELECT", "INSERT")),
    Restriction("audit_checkpoints", ("SELECT", "INSERT")),
    Restriction("audit_chain_head_v1", ("SELECT",)),
)


async def migrate_schema(conn: asyncpg.Connection) -> Sequence[Restriction]:
    """Every reporting table in the connection's schema; the restrictions on the audit trail."""
    await create_schema_tables(conn)
    # The head before version 2 exists only where an older trail was upgraded.
    present = {
        r["tablename"]
        for r in await conn.fetch(
            "SELECT tablename FROM pg_tables WHERE schemaname = current_schema()"
        )
    }
    return [r for r in APPEND_ONLY if r.table in present]
