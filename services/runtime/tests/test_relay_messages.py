"""The relay's ready-made Kafka messages decode to exactly the CloudEvents translation gives."""

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
