"""CloudEvents in Kafka binary content mode: headers out, the same event back in."""

from datetime import UTC, datetime

import pytest
from ssp_contracts import CloudEvent, EnvelopeError, UnknownEventType, parse_payload
from ssp_contracts.events.platform import SelfTestTicked


@pytest.fixture
def given_event() -> CloudEvent:
    payload = SelfTestTicked(run_id="r1", step=2)
    return CloudEvent(
        id="e-1",
        source="/ssp/test",
        type=payload.event_type,
        time=datetime(2026, 11, 28, 9, 0, tzinfo=UTC),
        subject="agg-1",
        actorid="officer-1",
        actorrole="school_officer",
        correlationid="c-1",
        sequence=2,
        dataschema=payload.dataschema(),
        data=payload.to_data(),
    )


def test_an_event_survives_the_round_trip(given_event: CloudEvent) -> None:
    decoded = CloudEvent.from_kafka(given_event.kafka_headers(), given_event.kafka_value())
    assert decoded == given_event
    assert parse_payload(decoded) == SelfTestTicked(run_id="r1", step=2)


def test_headers_follow_the_binary_content_mode(given_event: CloudEvent) -> None:
    headers = dict(given_event.kafka_headers())
    assert headers["content-type"] == b"application/json"
    for name in (
        "specversion",
        "id",
        "source",
        "type",
        "time",
        "subject",
        "actorid",
        "actorrole",
        "correlationid",
        "sequence",
        "dataschema",
    ):
        assert f"ce_{name}" in headers
    assert "ce_causationid" not in headers  # absent attributes are not sent empty
    assert given_event.kafka_key() == b"agg-1"


def test_a_missing_header_is_named(given_event: CloudEvent) -> None:
    headers = [(k, v) for k, v in given_event.kafka_headers() if k != "ce_actorid"]
    with pytest.raises(EnvelopeError, match="ce_actorid"):
        CloudEvent.from_kafka(headers, given_event.kafka_value())


def test_a_value_that_is_not_json_is_refused(given_event: CloudEvent) -> None:
    with pytest.raises(EnvelopeError, match="not JSON"):
        CloudEvent.from_kafka(given_event.kafka_headers(), b"{oops")


def test_an_unknown_type_is_refused(given_event: CloudEvent) -> None:
    unknown = given_event.model_copy(update={"type": "uk.police.ssp.platform.unheard_of.v1"})
    with pytest.raises(UnknownEventType):
        parse_payload(unknown)


def test_a_payload_that_breaks_its_contract_names_the_field(given_event: CloudEvent) -> None:
    broken = given_event.model_copy(update={"data": {"run_id": "r1", "step": 0}})
    with pytest.raises(EnvelopeError, match=r"data\.step"):
        parse_payload(broken)
