"""Full-history replay into fresh read models against a raw kafka-python consumer."""

import asyncio
import uuid
from datetime import UTC, datetime, time, timedelta
from typing import Any

from aiokafka import TopicPartition as AioPartition
from kafka import KafkaConsumer, TopicPartition
from ssp_contracts.events import incidents as i
from ssp_contracts.events import staffing as s
from ssp_contracts.topics import EVENT_TOPICS

from bench.common import Measure, Stopwatch, fresh_database
from services.reporting.replay import Window, reader, replay_into
from services.reporting.schema import migrate_schema
from services.reporting.tests.builders import publish, received
from services.runtime.dbroles import migrate
from services.runtime.kafka_security import AUDITOR, kafka_client
from services.runtime.projection import ReceivedEvent
from services.runtime.settings import ServiceSettings
from services.runtime.topic_ends import end_offsets

T0 = datetime(2024, 9, 2, 8, tzinfo=UTC)


def _history(events: int) -> list[ReceivedEvent]:
    """A borough's term in bulk: rosters, abstractions (with breaches) and incidents."""
    borough, out = f"Benchshire-{uuid.uuid4().hex[:6]}", list[ReceivedEvent]()
    n = 0
    while len(out) < events:
        n += 1
        officer, roster_id, school = f"bench-officer-{n}", str(uuid.uuid4()), f"bench-S{n}"
        days = [T0.date() + timedelta(d) for d in range(0, 60) if (T0.date().weekday() + d) % 7 < 5]
        common: dict[str, Any] = {"officer_id": officer, "borough": borough, "school_ids": [school]}
        out.append(
            received(
                s.RosterGenerated(
                    roster_id=roster_id,
                    term="2024-autumn",
                    **common,
                    shifts=[s.Shift(date=d, start=time(8, 0), hours=8) for d in days],
                ),
                at=T0,
            )
        )
        for k, day in enumerate(days[::3]):
            out.append(
                received(
                    s.OfficerAbstracted(
                        **common,
                        abstraction_id=str(uuid.uuid4()),
                        roster_id=roster_id,
                        term="2024-autumn",
                        shift_date=day,
                        hours=2 + k % 6,
                        category="aid_local",
                        authorised_by="inspector-1",
                        rank="constable",
                        shift_hours=8,
                        exceptional=False,
                        ring_fenced=False,
                        school_notified_at=None,
                    ),
                    at=T0 + timedelta(days=k),
                )
            )
            out.append(
                received(
                    i.IncidentReported(
                        incident_id=str(uuid.uuid4()),
                        school_id=school,
                        occurred_at=T0 + timedelta(k),
                        location_kind="premises",
                        category="anti-social-behaviour",
                        came_to_notice="officer_patrol",
                        pupil_refs=[],
                        serious=False,
                        outside_protocol_hours=False,
                    ),
                    at=T0 + timedelta(days=k),
                )
            )
    return out[:events]


def _raw_seconds(bootstrap: str, ends: dict[tuple[str, int], int]) -> tuple[float, int]:
    consumer = KafkaConsumer(
        enable_auto_commit=False,
        group_id=None,
        max_poll_records=2000,
        **kafka_client(AUDITOR, bootstrap).kafka_python(),
    )
    try:
        tps = [TopicPartition(t, p) for (t, p), end in ends.items() if end > 0]
        consumer.assign(tps)
        consumer.seek_to_beginning(*tps)
        read, todo = 0, list(tps)
        with Stopwatch() as watch:
            while todo:
                for tp, records in consumer.poll(timeout_ms=1000).items():
                    read += sum(1 for r in records if r.offset < ends[(tp.topic, tp.partition)])
                done = [
                    tp for tp in todo if consumer.position(tp) >= ends[(tp.topic, tp.partition)]
                ]
                # As the replay does: a finished partition stops being fetched.
                consumer.pause(*done)
                todo = [tp for tp in todo if tp not in done]
        return watch.seconds, read
    finally:
        consumer.close()


async def _raw_aiokafka_seconds(
    bootstrap: str, ends: dict[tuple[str, int], int]
) -> tuple[float, int]:
    """The same records read by a bare aiokafka consumer (the client the replay reads with)."""
    consumer = reader(bootstrap)  # the replay's own consumer settings
    await consumer.start()
    try:
        todo = [AioPartition(t, p) for (t, p), end in ends.items() if end > 0]
        consumer.assign(todo)
        await consumer.seek_to_beginning(*todo)
        read = 0
        with Stopwatch() as watch:
            while todo:
                polled = await consumer.getmany(*todo, timeout_ms=1000, max_records=2000)
                for tp, records in polled.items():
                    read += sum(1 for r in records if r.offset < ends[(tp.topic, tp.partition)])
                done = [
                    tp
                    for tp in todo
                    if await consumer.position(tp) >= ends[(tp.topic, tp.partition)]
                ]
                consumer.pause(*done)
                todo = [tp for tp in todo if tp not in done]
        return watch.seconds, read
    finally:
        await consumer.stop()


def run(events: int) -> list[Measure]:
    """Top the event topics up to ``events`` records, then replay them and read them raw."""
    settings = ServiceSettings.for_service("reporting")
    present = sum(end_offsets(settings.kafka_bootstrap, EVENT_TOPICS, AUDITOR).values())
    if present < events:
        publish(_history(events - present))
    ends = end_offsets(settings.kafka_bootstrap, EVENT_TOPICS)
    with fresh_database("benchreplay") as db:
        replay_settings = ServiceSettings.for_service("reporting", db_name=db)
        asyncio.run(migrate(replay_settings, schema=migrate_schema))  # as `make up` does
        with Stopwatch() as watch:
            asyncio.run(replay_into(replay_settings, "replayed", Window()))
    raw_seconds, read = _raw_seconds(settings.kafka_bootstrap, ends)
    aio_seconds, aio_read = asyncio.run(_raw_aiokafka_seconds(settings.kafka_bootstrap, ends))
    assert aio_read == read, f"aiokafka read {aio_read} records, kafka-python {read}"
    return [
        Measure.timed("replay", read, watch.seconds, "kafka-python consumer", raw_seconds, 0.5),
        # Beside it, not a goal: the replay reads with aiokafka, so this is its own reader.
        Measure(
            "replay",
            read,
            read / watch.seconds,
            "aiokafka consumer (the replay's reader)",
            read / aio_seconds,
            None,
        ),
    ]
