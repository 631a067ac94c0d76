"""The real broker refuses anonymous clients, writes to others' topics and any auditor write."""

import logging
from typing import Any

import pytest
from kafka import KafkaAdminClient, KafkaConsumer, KafkaProducer
from kafka.errors import KafkaError
from ssp_contracts.topics import EVENT_TOPICS, kafka_topic

from services.runtime.kafka_security import AUDITOR, kafka_client
from services.runtime.settings import ServiceSettings

pytestmark = pytest.mark.stack

STAFFING = "ssp.staffing.events"
FAST = {"request_timeout_ms": 5000, "max_block_ms": 5000}


@pytest.fixture(autouse=True)
def _quiet() -> None:
    # kafka-python logs every refused connection at ERROR; the refusals are the point here.
    logging.getLogger("kafka").setLevel(logging.CRITICAL)


def refused_by_acl(producer: KafkaProducer, topic: str) -> str:
    """The authorisation error the broker answers a send with (any other outcome fails)."""
    with pytest.raises(KafkaError) as caught:
        producer.send(topic, key=b"forged", value=b"{}").get(timeout=10)
    # An idempotent producer with no WRITE anywhere is refused its producer id first
    # (ClusterAuthorizationFailed); one with WRITE elsewhere is refused the topic.
    name = f"{type(caught.value).__name__} {caught.value}"
    assert "AuthorizationFailed" in name, name
    return name


def bootstrap() -> str:
    return ServiceSettings.for_service("admin").kafka_bootstrap


def _admin(**options: Any) -> KafkaAdminClient:
    timeouts = {k: 5000 for k in ("request_timeout_ms", "bootstrap_timeout_ms")}
    return KafkaAdminClient(**timeouts, **options)


@pytest.mark.parametrize(
    "options",
    [
        pytest.param({}, id="plaintext"),
        pytest.param(
            {"security_protocol": "SSL", "ssl_cafile": kafka_client(AUDITOR).cafile},
            id="tls-without-sasl",
        ),
    ],
)
def test_a_client_without_credentials_cannot_connect(stack: None, options: dict[str, Any]) -> None:
    # Given a client that does not authenticate with SCRAM, When it asks for metadata,
    # Then the broker never answers it
    with pytest.raises(KafkaError):
        _admin(bootstrap_servers=bootstrap(), **options).list_topics()


def test_a_wrong_password_is_refused(stack: None) -> None:
    options = {**kafka_client("incidents").kafka_python(), "sasl_plain_password": "not-it"}
    with pytest.raises(KafkaError):
        _admin(**options).list_topics()


def test_incidents_cannot_produce_to_a_staffing_topic(stack: None) -> None:
    # Given the incidents service's own principal (the attack of issue 11: a forged
    # OfficerDeployed on ssp.staffing.events)
    producer = KafkaProducer(**FAST, **kafka_client("incidents").kafka_python())
    try:
        # When it publishes to staffing's topic, Then the broker refuses it by ACL
        assert "TopicAuthorizationFailed" in refused_by_acl(producer, kafka_topic(STAFFING))
    finally:
        producer.close(timeout=5)


def test_the_auditor_cannot_produce_at_all(stack: None) -> None:
    producer = KafkaProducer(**FAST, **kafka_client(AUDITOR).kafka_python())
    try:
        for topic in EVENT_TOPICS:
            refused_by_acl(producer, kafka_topic(topic))
    finally:
        producer.close(timeout=5)


def test_the_auditor_reads_every_event_topic(stack: None) -> None:
    # The positive control: the same credentials work for what the auditor may do.
    consumer = KafkaConsumer(enable_auto_commit=False, **kafka_client(AUDITOR).kafka_python())
    try:
        # The run's own topics (SSP_TOPIC_PREFIX), which its ACLs name.
        for topic in map(kafka_topic, EVENT_TOPICS):
            assert consumer.partitions_for_topic(topic), topic
    finally:
        consumer.close()
