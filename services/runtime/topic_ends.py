"""Where topics end now, and starting a new read model's runners there (tools, the demo, tests)."""

from collections.abc import Mapping, Sequence

import psycopg
from kafka import KafkaConsumer, TopicPartition
from ssp_contracts.topics import kafka_topic

from services.runtime.dbroles import as_migrator
from services.runtime.kafka_security import AUDITOR, kafka_client
from services.runtime.settings import ServiceSettings
from services.runtime.tracking import TRACKING_DDL

Offsets = dict[tuple[str, int], int]


def end_offsets(bootstrap: str, topics: Sequence[str], principal: str = "reporting") -> Offsets:
    """The current end of every partition of ``topics`` (blocking; kafka-python).

    ``topics`` are the catalogue's names; the offsets are keyed by the broker's (prefixed) ones,
    as consumers seek.
    """
    consumer = KafkaConsumer(
        enable_auto_commit=False, **kafka_client(principal, bootstrap).kafka_python()
    )
    try:
        parts = [
            TopicPartition(t, p)
            for t in map(kafka_topic, topics)
            for p in sorted(consumer.partitions_for_topic(t) or ())
        ]
        return {(tp.topic, tp.partition): off for tp, off in consumer.end_offsets(parts).items()}
    finally:
        consumer.close()


def ends_now(topics: Sequence[str]) -> Offsets:
    """``end_offsets`` of the environment's broker, read as the auditor (who may read every
    topic): what the demo, the fault suite and the drill measure their runs from."""
    bootstrap = ServiceSettings.for_service("admin").kafka_bootstrap
    return end_offsets(bootstrap, topics, AUDITOR)


def start_runners_at_end(db: str, topics: Mapping[str, Sequence[str]]) -> None:
    """Have the runners ``topics`` names (runner -> its topics) start at the topics' current
    end in ``db``.

    A runner resumes from the offsets stored with its read model, so storing today's end
    offsets there starts it at the end. Runners that already track offsets are left alone:
    a read model that has begun is never moved.
    """
    settings = as_migrator(ServiceSettings.for_service("admin", db_name=db))
    # As the migration role: it owns the tables the service's role then writes to.
    with psycopg.connect(settings.pg_dsn, autocommit=True, connect_timeout=10) as conn:
        conn.execute(TRACKING_DDL)
        tracked = conn.execute(
            "SELECT 1 FROM ssp_consumer_offsets WHERE runner = ANY(%s) LIMIT 1", (list(topics),)
        ).fetchone()
        if tracked:
            return  # before asking Kafka: there is nothing to store
        ends = ends_now(sorted({t for ts in topics.values() for t in ts}))
        with conn.cursor() as cur:
            # Offsets are kept under the broker's (prefixed) names, as the runner seeks.
            cur.executemany(
                "INSERT INTO ssp_consumer_offsets (runner, topic, partition, next_offset)"
                " VALUES (%s, %s, %s, %s)",
                [
                    (runner, t, p, ends[(t, p)])
                    for runner, names in topics.items()
                    for (t, p) in ends
                    if t in {kafka_topic(name) for name in names}
                ],
            )
