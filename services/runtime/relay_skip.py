"""An operator lets a stalled relay past one event: the skip is itself an event of the store."""

import asyncio
import contextlib
import dataclasses
from collections import Counter
from uuid import NAMESPACE_URL, UUID, uuid5

import asyncpg
from eventsourcing.application import Application
from eventsourcing.domain import Aggregate, event
from eventsourcing.persistence import IntegrityError
from ssp_contracts.events.platform import RelayEventSkipped

from services.runtime.domain import Actor
from services.runtime.relay_store import stall_of
from services.runtime.settings import ServiceSettings
from services.runtime.translation import OutgoingMessage, Translator, event_id


class SkipRefused(Exception):
    """The named notification is not the one the relay is stalled at."""


class RelaySkip(Aggregate):
    """An operator's decision to let the relay past one notification, with actor and reason."""

    class Recorded(Aggregate.Created):
        relay: str
        service: str
        notification_id: int
        skipped_event_id: str | None
        skipped_event_type: str | None
        topic: str
        error: str
        reason: str
        actor: Actor

    @staticmethod
    def create_id(relay: str, notification_id: int) -> UUID:
        """One skip per notification: recording it twice is refused by the store."""
        return uuid5(NAMESPACE_URL, f"ssp-relay-skip:{relay}:{notification_id}")

    @event(Recorded)
    def __init__(
        self,
        relay: str,
        service: str,
        notification_id: int,
        skipped_event_id: str | None,
        skipped_event_type: str | None,
        topic: str,
        error: str,
        reason: str,
        actor: Actor,
    ) -> None:
        self.notification_id = notification_id


def skip_message(e: RelaySkip.Recorded, source: str) -> OutgoingMessage | None:
    """The Kafka message of a skip event, on the topic the skipped event belonged to.

    ``source`` is the store's (``identity.event_source``), as for every event it publishes.
    """
    translator = Translator(source=source)

    @translator.maps(RelaySkip.Recorded)
    def _payload(x: RelaySkip.Recorded) -> RelayEventSkipped:
        return RelayEventSkipped(
            service=x.service,
            notification_id=x.notification_id,
            skipped_event_id=x.skipped_event_id,
            skipped_event_type=x.skipped_event_type,
            failure="refused-by-broker" if x.skipped_event_type else "untranslatable",
        )

    message = translator.message(e)
    return None if message is None else dataclasses.replace(message, topic=e.topic)


def home_topic(translator: Translator) -> str:
    """The topic most of the service's contracts go to: where an untranslatable skip goes."""
    topics = Counter(c.topic for c in translator.contracts())
    return topics.most_common(1)[0][0] if topics else RelayEventSkipped.topic


def describe_skipped(
    app: Application, translator: Translator, notification_id: int
) -> tuple[str | None, str | None, str]:
    """(ce_id, ce_type, topic) of the notification, as far as it can be decoded."""
    found = app.recorder.select_notifications(notification_id, 1, stop=notification_id)
    if not found:
        raise SkipRefused(f"notification {notification_id} is not in the store")
    ce_id = ce_type = None
    topic = home_topic(translator)
    try:
        domain_event = app.mapper.to_domain_event(found[0])
        ce_id = event_id(domain_event.originator_id, domain_event.originator_version)
        message = translator.message(domain_event)
        if message is not None:
            ce_type = dict(message.headers).get("ce_type", b"").decode() or None
            topic = message.topic
    except Exception:  # undecodable is what the skip records
        pass
    return ce_id, ce_type, topic


async def skip(
    app: Application,
    translator: Translator,
    settings: ServiceSettings,
    notification_id: int,
    reason: str,
    actor: Actor,
) -> str:
    """Record the skip event and let the relay past ``notification_id``; return the event id."""
    relay = f"{settings.service}-outbox"
    conn = await asyncpg.connect(settings.pg_dsn)
    try:
        stalled_at, error = await stall_of(conn, relay)
        if stalled_at != notification_id:
            where = f"stalled at {stalled_at}" if stalled_at else "not stalled"
            raise SkipRefused(f"relay {relay} is {where}; refusing to skip {notification_id}")
        ce_id, ce_type, topic = await asyncio.to_thread(
            describe_skipped, app, translator, notification_id
        )
        record = RelaySkip(
            relay=relay,
            service=settings.service,
            notification_id=notification_id,
            skipped_event_id=ce_id,
            skipped_event_type=ce_type,
            topic=topic,
            error=(error or "unknown")[:500],
            reason=reason,
            actor=actor,
        )
        # An earlier attempt may have saved the event and stopped before the row below.
        with contextlib.suppress(IntegrityError):
            await asyncio.to_thread(app.save, record)
        skip_id = event_id(record.id, 1)
        await conn.execute(
            """INSERT INTO ssp_relay_skips (relay, notification_id, skip_event_id, actor, reason)
               VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING""",
            relay,
            notification_id,
            skip_id,
            actor.id,
            reason,
        )
        return skip_id
    finally:
        await conn.close()
