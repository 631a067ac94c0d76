"""Relay throughput (notification log to acknowledged on Kafka) against raw aiokafka."""

import asyncio

from aiokafka import AIOKafkaProducer
from ssp_contracts import payload_class
from ssp_contracts.topics import kafka_topic

from bench.common import Measure, Stopwatch, fresh_database, write_canaries
from services.runtime.eventstore import open_application
from services.runtime.kafka_security import kafka_client
from services.runtime.relay import OutboxRelay, producer_options
from services.runtime.selftest import SelfTestApplication, translator
from services.runtime.settings import ServiceSettings


async def _relay_seconds(settings: ServiceSettings) -> tuple[float, list[tuple]]:
    app = open_application(SelfTestApplication, settings)
    relay = OutboxRelay(app, translator, settings)
    await relay.start()
    try:
        with Stopwatch() as watch:
            await relay.run_until_caught_up()
    finally:
        await relay.stop()
    # The same messages, prepared in advance, for the raw baseline.
    notifications = app.recorder.select_notifications(1, 10**9)
    messages = [
        (payload_class(e.type).topic, e.kafka_value(), e.kafka_key(), e.kafka_headers())
        for e in (translator.translate(app.mapper.to_domain_event(n)) for n in notifications)
        if e is not None
    ]
    app.close()
    return watch.seconds, messages


async def _raw_seconds(bootstrap: str, messages: list[tuple]) -> float:
    producer = AIOKafkaProducer(
        **kafka_client("selftest", bootstrap).aiokafka(), **producer_options()
    )
    await producer.start()
    try:
        with Stopwatch() as watch:
            futures = [
                await producer.send(kafka_topic(topic), value=value, key=key, headers=headers)
                for topic, value, key, headers in messages
            ]
            await asyncio.gather(*futures)
    finally:
        await producer.stop()
    return watch.seconds


def run(events: int) -> Measure:
    """Measure the relay and the raw producer on the same payloads, in one run."""
    with fresh_database("benchrelay") as db:
        settings = write_canaries(db, events)
        relay_seconds, messages = asyncio.run(_relay_seconds(settings))
        raw_seconds = asyncio.run(_raw_seconds(settings.kafka_bootstrap, messages))
    baseline = "aiokafka producer, same settings"
    return Measure.timed("relay", len(messages), relay_seconds, baseline, raw_seconds, goal=0.5)
