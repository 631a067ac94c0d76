"""Creates (idempotently) and deletes the catalogue's topics with kafka-python's admin client."""

import contextlib

from kafka import KafkaAdminClient
from kafka.admin import NewTopic
from kafka.errors import TopicAlreadyExistsError, UnknownTopicOrPartitionError
from ssp_contracts import TOPICS
from ssp_contracts.topics import kafka_topic, topic_prefix

from services.runtime.kafka_security import ADMIN, durability, kafka_client


def create_topics(bootstrap: str) -> tuple[list[str], list[str]]:
    """Create missing topics (named with the environment's prefix, replication from settings);
    return (created, already present)."""
    admin = KafkaAdminClient(
        client_id="ssp-topics", **kafka_client(ADMIN, bootstrap).kafka_python()
    )
    factor, min_insync = durability()
    try:
        existing = set(admin.list_topics())
        wanted = {kafka_topic(name): spec for name, spec in TOPICS.items()}
        missing = {name: spec for name, spec in wanted.items() if name not in existing}
        if missing:
            new = [
                NewTopic(
                    name,
                    num_partitions=s.partitions,
                    replication_factor=factor,
                    topic_configs=s.configs(min_insync),
                )
                for name, s in missing.items()
            ]
            # Another caller may create them meanwhile: the goal is met all the same.
            with contextlib.suppress(TopicAlreadyExistsError):
                admin.create_topics(new, validate_only=False)
        return sorted(missing), sorted(existing & set(wanted))
    finally:
        admin.close()


def delete_topics(bootstrap: str) -> list[str]:
    """Delete the catalogue's topics under the environment's prefix (a finished test run's).

    Refuses without a prefix: the unprefixed topics are a deployment's, never a run's.
    """
    if not topic_prefix():
        raise ValueError("refusing to delete the unprefixed topics")
    admin = KafkaAdminClient(
        client_id="ssp-topics", **kafka_client(ADMIN, bootstrap).kafka_python()
    )
    try:
        present = set(admin.list_topics()) & {kafka_topic(name) for name in TOPICS}
        if present:
            with contextlib.suppress(UnknownTopicOrPartitionError):
                admin.delete_topics(sorted(present))
        return sorted(present)
    finally:
        admin.close()
