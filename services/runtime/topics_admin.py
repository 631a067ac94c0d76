"""Creates the catalogue's topics with kafka-python's admin client (idempotent)."""

import contextlib

from kafka import KafkaAdminClient
from kafka.admin import NewTopic
from kafka.errors import TopicAlreadyExistsError
from ssp_contracts import TOPICS
from ssp_contracts.topics import kafka_topic


def create_topics(bootstrap: str) -> tuple[list[str], list[str]]:
    """Create missing topics (named with the environment's prefix); return (created, present)."""
    admin = KafkaAdminClient(bootstrap_servers=bootstrap, client_id="ssp-topics")
    try:
        existing = set(admin.list_topics())
        wanted = {kafka_topic(name): spec for name, spec in TOPICS.items()}
        missing = {name: spec for name, spec in wanted.items() if name not in existing}
        if missing:
            new = [
                NewTopic(
                    name,
                    num_partitions=s.partitions,
                    replication_factor=1,
                    topic_configs=s.configs(),
                )
                for name, s in missing.items()
            ]
            # Another caller may create them meanwhile: the goal is met all the same.
            with contextlib.suppress(TopicAlreadyExistsError):
                admin.create_topics(new, validate_only=False)
        return sorted(missing), sorted(existing & set(wanted))
    finally:
        admin.close()
