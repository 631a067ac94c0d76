"""Republish a store's notification log to Kafka after the broker lost it, through the relay.

The relay's position is moved back under its own leadership lock, then the relay itself runs
until caught up: the same translation, the same ``ce_id`` (aggregate id and version) and
``ce_source``, the same order per aggregate and the same skips. Consumers that kept their
tracking drop what they had; read models rebuilt from the new topics get everything once.
"""

import asyncio

from eventsourcing.application import Application

from services.runtime.relay import OutboxRelay
from services.runtime.relay_store import RelayStore
from services.runtime.settings import ServiceSettings
from services.runtime.translation import Translator


class RepublishRefused(Exception):
    """The republish cannot start; the message says why."""


async def rewind(settings: ServiceSettings, relay: str, start: int) -> int:
    """Move ``relay``'s stored position back to just before ``start``; the old position."""
    store = await RelayStore.connect(settings.pg_dsn, relay)
    try:
        if not await store.try_lead():
            raise RepublishRefused(
                f"the relay {relay} is running (it holds the store's lock); stop the"
                f" {settings.service} service and its relays, then republish"
            )
        old = await store.position()
        # The only write that moves a position backwards; done while holding the lock.
        await store.conn.execute(
            "UPDATE ssp_relay_position SET position = $2, stalled_at = NULL, stall_error = NULL,"
            " updated_at = now() WHERE relay = $1",
            relay,
            start - 1,
        )
        return old
    finally:
        await store.close()


async def republish(
    app: Application,
    translator: Translator,
    settings: ServiceSettings,
    start: int = 1,
    lead_timeout: float = 30,
) -> tuple[int, int]:
    """Publish notifications from ``start`` on again; (notifications read, old position)."""
    if start < 1:
        raise RepublishRefused("--from: notification ids start at 1")
    relay = OutboxRelay(app, translator, settings)
    old = await rewind(settings, relay.name, start)
    try:
        try:
            # Between the rewind and here a standby relay could take the lock; it then
            # republishes from the rewound position itself and this one gives way.
            await asyncio.wait_for(relay.start(), lead_timeout)
        except TimeoutError:
            raise RepublishRefused(
                f"another {relay.name} took the lead after the rewind; it republishes from {start}"
            ) from None
        count = await relay.run_until_caught_up()
    finally:
        await relay.stop()
    return count, old
