"""A canary application: exercises the store, relay and Kafka without any domain service."""

from collections.abc import Sequence
from uuid import UUID

from eventsourcing.domain import Aggregate, event
from ssp_contracts import CloudEvent, EventPayload
from ssp_contracts.events.platform import SelfTestTicked
from ssp_contracts.topics import SELFTEST_TOPIC

from services.runtime.domain import Actor, ServiceApplication
from services.runtime.projection import Connection, Projection, ReceivedEvent
from services.runtime.service import ServiceSpec
from services.runtime.translation import Translator

CANARY_ACTOR = Actor("ssp-selftest", "service", "selftest")


class Canary(Aggregate):
    """Counts its steps; per-aggregate order on Kafka must follow them."""

    class Started(Aggregate.Created):
        run_id: str
        note: str
        actor: Actor

    class Ticked(Aggregate.Event):
        step: int
        actor: Actor

    @event(Started)
    def __init__(self, run_id: str, note: str, actor: Actor) -> None:
        self.run_id = run_id
        self.note = note
        self.steps = 1

    @event(Ticked)
    def tick(self, step: int, actor: Actor) -> None:
        self.steps = step


class SelfTestApplication(ServiceApplication):
    """Writes canary events in bulk."""

    name = "selftest"

    def write(self, run_id: str, aggregates: int, steps: int, note: str = "") -> list[UUID]:
        """``aggregates`` canaries of ``steps`` events each; return their ids."""
        ids = []
        for _ in range(aggregates):
            canary = Canary(run_id, note, CANARY_ACTOR)
            for step in range(2, steps + 1):
                canary.tick(step, CANARY_ACTOR)
            self.save(canary)
            ids.append(canary.id)
        return ids


translator = Translator(source="/ssp/selftest")


@translator.maps(Canary.Started, Canary.Ticked)
def _ticked(e: Canary.Started | Canary.Ticked) -> SelfTestTicked:
    if isinstance(e, Canary.Started):
        return SelfTestTicked(run_id=e.run_id, step=1, note=e.note)
    return SelfTestTicked(run_id="", step=e.step)


class CanaryLog(Projection):
    """Logs every canary event it applies; no unique key, so a duplicate would show."""

    name = "canary"
    topics = (SELFTEST_TOPIC.name,)

    async def create_tables(self, conn: Connection) -> None:
        await conn.execute(
            """CREATE TABLE IF NOT EXISTS selftest_canary (
                   event_id text NOT NULL, subject text NOT NULL, step int NOT NULL,
                   run_id text NOT NULL, note text NOT NULL)"""
        )

    async def apply(self, conn: Connection, events: Sequence[ReceivedEvent]) -> None:
        await conn.executemany(
            "INSERT INTO selftest_canary VALUES ($1, $2, $3, $4, $5)",
            [canary_row(e.envelope, e.payload) for e in events],
        )


def canary_row(envelope: CloudEvent, payload: EventPayload) -> tuple[str, str, int, str, str]:
    """The row CanaryLog writes for one event (the benchmark's baseline writes the same)."""
    assert isinstance(payload, SelfTestTicked)
    return (envelope.id, envelope.subject, payload.step, payload.run_id, payload.note)


SPEC = ServiceSpec(
    title="SSP selftest",
    description="Canary events for pipeline checks.",
    permission_table={},
    routers=[],
    application_class=SelfTestApplication,
    translator=translator,
    projections=lambda _: [("selftest.canary", [CanaryLog()])],
)
