"""The relay's own tables and its leadership lock, on one dedicated PostgreSQL connection."""

import hashlib
from typing import Any

import asyncpg

POSITION_DDL = """
CREATE TABLE IF NOT EXISTS ssp_relay_position (
    relay text PRIMARY KEY,
    position bigint NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now()
);
-- Altered only when missing: a role that does not own the table (a store restored or made by
-- the migration role) can still run this DDL.
DO $$ BEGIN
    IF NOT EXISTS (
        SELECT 1 FROM information_schema.columns WHERE table_schema = current_schema()
        AND table_name = 'ssp_relay_position' AND column_name = 'stall_error')
    THEN
        ALTER TABLE ssp_relay_position ADD COLUMN IF NOT EXISTS stalled_at bigint;
        ALTER TABLE ssp_relay_position ADD COLUMN IF NOT EXISTS stall_error text;
    END IF;
END $$;
CREATE TABLE IF NOT EXISTS ssp_relay_skips (
    relay text NOT NULL,
    notification_id bigint NOT NULL,
    skip_event_id text NOT NULL,
    actor text NOT NULL,
    reason text NOT NULL,
    recorded_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (relay, notification_id)
)"""

# The server probes an idle client after 10 s and drops it after three lost probes, so the
# lock of a relay whose host vanished (no FIN, no RST) is released within about 25 s.
# A killed process is noticed at once: the kernel closes its socket.
KEEPALIVES = {
    "tcp_keepalives_idle": "10",
    "tcp_keepalives_interval": "5",
    "tcp_keepalives_count": "3",
    "application_name": "ssp-relay",
}


def lock_key(relay: str) -> int:
    """The advisory lock key of ``relay``: a stable signed 64-bit hash of its name."""
    return int.from_bytes(
        hashlib.sha256(f"ssp-relay:{relay}".encode()).digest()[:8], "big", signed=True
    )


class RelayStore:
    """Position, stall and skips of one relay, and the session lock that makes it the leader."""

    def __init__(self, conn: asyncpg.Connection, relay: str) -> None:
        self.conn = conn
        self.relay = relay

    @classmethod
    async def connect(cls, dsn: str, relay: str) -> "RelayStore":
        """A new dedicated connection with keepalives (the lock lives as long as it does)."""
        # A query that hangs (a silent network) times out into the supervisor's reconnect.
        conn = await asyncpg.connect(
            dsn, server_settings=KEEPALIVES, timeout=10, command_timeout=30
        )
        return cls(conn, relay)

    def alive(self) -> bool:
        """Whether the connection, and with it the leadership lock, still stands."""
        return not self.conn.is_closed()

    async def try_lead(self) -> bool:
        """Take the store's leadership lock if nobody holds it; then make sure the tables exist."""
        got = bool(
            await self.conn.fetchval("SELECT pg_try_advisory_lock($1)", lock_key(self.relay))
        )
        if got:
            # Only the leader runs DDL: two relays creating the tables at once would collide.
            await self.conn.execute(POSITION_DDL)
        return got

    async def position(self) -> int:
        """The stored position (0 before the first batch)."""
        value = await self.conn.fetchval(
            "SELECT position FROM ssp_relay_position WHERE relay = $1", self.relay
        )
        return int(value or 0)

    async def save_position(self, position: int) -> int:
        """Move the position forward only (never back); return the stored position."""
        stored = await self.conn.fetchval(
            """INSERT INTO ssp_relay_position AS p (relay, position) VALUES ($1, $2)
               ON CONFLICT (relay) DO UPDATE SET position = EXCLUDED.position, updated_at = now(),
                   stalled_at = CASE WHEN p.stalled_at <= EXCLUDED.position THEN NULL
                                     ELSE p.stalled_at END
               WHERE p.position < EXCLUDED.position
               RETURNING position""",
            self.relay,
            position,
        )
        return int(stored) if stored is not None else await self.position()

    async def record_stall(self, notification_id: int, error: str) -> None:
        """Remember where the relay stopped and why, for the operator's skip command."""
        await self.conn.execute(
            """INSERT INTO ssp_relay_position (relay, position, stalled_at, stall_error)
               VALUES ($1, $2 - 1, $2, $3)
               ON CONFLICT (relay) DO UPDATE SET stalled_at = $2, stall_error = $3""",
            self.relay,
            notification_id,
            error,
        )

    async def skips_after(self, position: int) -> set[int]:
        """Notification ids an operator let the relay past, beyond ``position``."""
        rows = await self.conn.fetch(
            "SELECT notification_id FROM ssp_relay_skips WHERE relay = $1 AND notification_id > $2",
            self.relay,
            position,
        )
        return {r["notification_id"] for r in rows}

    async def newest(self, table: str) -> int:
        """The newest notification id of the store's log."""
        return int(
            await self.conn.fetchval(f"SELECT coalesce(max(notification_id), 0) FROM {table}")
        )

    async def close(self) -> None:
        """Close the connection (the server releases the lock with it)."""
        if not self.conn.is_closed():
            await self.conn.close(timeout=5)


async def stall_of(conn: Any, relay: str) -> tuple[int | None, str | None]:
    """(stalled_at, error) of ``relay`` as recorded, or (None, None) if it is not stalled."""
    if not await conn.fetchval("SELECT to_regclass('ssp_relay_position') IS NOT NULL"):
        return None, None
    row = await conn.fetchrow(
        "SELECT stalled_at, stall_error FROM ssp_relay_position WHERE relay = $1", relay
    )
    return (row["stalled_at"], row["stall_error"]) if row else (None, None)
