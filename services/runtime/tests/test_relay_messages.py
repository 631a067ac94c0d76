"""The relay's ready-made Kafka messages decode to exactly the CloudEvents translation gives."""

from dataclasses import replace
from typing import Any

from ssp_contracts import CloudEvent, parse_payload

from services.runtime.selftest import CANARY_ACTOR, Canary, translator


def test_a_message_decodes_to_the_translated_cloud_event() -> None:
    # Given a canary's events, one with text outside ASCII
    canary = Canary("run-é", 'note with ünïcode and "quotes"', CANARY_ACTOR)
    canary.tick(2, CANARY_ACTOR)
    for event in canary.collect_events():
        # When the relay turns it into a message
        message = translator.message(event)
        expected = translator.translate(event)
        assert message is not None and expected is not None

        # Then a consumer decodes the very CloudEvent, on the topic and key of its aggregate
        decoded = CloudEvent.from_kafka(message.headers, message.value)
        assert decoded == expected
        assert parse_payload(decoded) == parse_payload(expected)
        assert message.key == str(event.originator_id).encode()
        assert message.headers == expected.kafka_headers()


def test_the_relay_keeps_one_header_entry_per_actor_not_per_correlation_id() -> None:
    # Given one actor's canaries under three correlation ids (a new one with nearly each command)
    ids = [f"00000000-0000-0000-0000-00000000000{n}" for n in range(3)]
    events: list[Any] = []
    for n, correlation_id in enumerate(ids):
        actor = replace(CANARY_ACTOR, correlation_id=correlation_id)
        events += Canary(f"run-{n}", "note", actor).collect_events()
    translator._actor_headers.clear()
    # When the relay makes their messages
    found = [dict(m.headers)["ce_correlationid"] for e in events if (m := translator.message(e))]
    # Then each carries its own correlation id, and the header cache holds the one actor
    assert found == [i.encode() for i in ids]
    assert len(translator._actor_headers) == 1
