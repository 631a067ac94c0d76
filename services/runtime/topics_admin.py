"""Creates the catalogue's topics with kafka-python's admin client (idempotent)."""

import contextlib

from kafka import KafkaAdminClient
from kafka.admin import NewTopic
from kafka.errors import TopicAlreadyExistsError
from ssp_contracts import TOPICS

from services.runtime.kafka_security import ADMIN, durability, kafka_client


def create_topics(bootstrap: str) -> tuple[list[str], list[str]]:
    """Create missing topics (replication from settings); return (created, already present)."""
    admin = KafkaAdminClient(
        client_id="ssp-topics", **kafka_client(ADMIN, bootstrap).kafka_python()
    )
    factor, min_insync = durability()
    try:
        existing = set(admin.list_topics())
        missing = [spec for name, spec in TOPICS.items() if name not in existing]
        if missing:
            new = [
                NewTopic(
                    s.name,
                    num_partitions=s.partitions,
                    replication_factor=factor,
                    topic_configs=s.configs(min_insync),
                )
                for s in missing
            ]
            # Another caller may create them meanwhile: the goal is met all the same.
            with contextlib.suppress(TopicAlreadyExistsError):
                admin.create_topics(new, validate_only=False)
        return [s.name for s in missing], sorted(existing & set(TOPICS))
    finally:
        admin.close()
