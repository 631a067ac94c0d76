"""Creates the catalogue's topics with kafka-python's admin client (idempotent)."""

import contextlib

from kafka import KafkaAdminClient
from kafka.admin import NewTopic
from kafka.errors import TopicAlreadyExistsError
from ssp_contracts import TOPICS


def create_topics(bootstrap: str) -> tuple[list[str], list[str]]:
    """Create missing topics; return (created, already present)."""
    admin = KafkaAdminClient(bootstrap_servers=bootstrap, client_id="ssp-topics")
    try:
        existing = set(admin.list_topics())
        missing = [spec for name, spec in TOPICS.items() if name not in existing]
        if missing:
            new = [
                NewTopic(
                    s.name,
                    num_partitions=s.partitions,
                    replication_factor=1,
                    topic_configs=s.configs(),
                )
                for s in missing
            ]
            # Another caller may create them meanwhile: the goal is met all the same.
            with contextlib.suppress(TopicAlreadyExistsError):
                admin.create_topics(new, validate_only=False)
        return [s.name for s in missing], sorted(existing & set(TOPICS))
    finally:
        admin.close()
