"""The relay's pieces that need no infrastructure: failure reasons, refusal texts, where a skip
is published, its metrics, and /readyz reporting the pipeline without failing for it."""

import pytest
from aiokafka.errors import KafkaConnectionError, MessageSizeTooLargeError
from fastapi.testclient import TestClient
from prometheus_client import CollectorRegistry
from pydantic import ValidationError
from ssp_contracts.events.platform import SelfTestTicked
from ssp_contracts.topics import EVENT_TOPICS

from services.incidents.translation import translator as incidents
from services.runtime.metrics import RelayMetrics
from services.runtime.relay_errors import LostLeadership, describe, error_reason
from services.runtime.relay_skip import RelaySkip, home_topic, skip_message
from services.runtime.relay_store import lock_key
from services.runtime.selftest import CANARY_ACTOR
from services.runtime.settings import ServiceSettings


def test_failures_get_one_of_a_few_reasons() -> None:
    assert error_reason(KafkaConnectionError()) == "kafka"
    assert error_reason(ConnectionRefusedError()) == "database"
    assert error_reason(LostLeadership()) == "leadership"
    assert error_reason(RuntimeError("x")) == "other"


def test_a_refusal_is_described_without_the_event_data() -> None:
    with pytest.raises(ValidationError) as refused:
        SelfTestTicked(run_id="r", step=1, note="secret name " * 200)
    text = describe(refused.value)
    assert "note" in text and "secret name" not in text
    assert describe(MessageSizeTooLargeError()).startswith("MessageSizeTooLargeError")
    assert describe(KeyError("Jane Doe")) == "KeyError"


def test_an_untranslatable_skip_goes_to_the_services_events_topic() -> None:
    from services.disclosure.translation import translator as disclosure
    from services.staffing.translation import translator as staffing

    topics = [home_topic(t) for t in (incidents, disclosure, staffing)]
    assert topics == ["ssp.incidents.events", "ssp.disclosure.events", "ssp.staffing.events"]
    assert set(topics) <= set(EVENT_TOPICS)  # the audit trail consumes every one of them


def test_a_skip_event_is_published_where_the_skipped_event_belonged() -> None:
    skip = RelaySkip(
        relay="incidents-outbox",
        service="incidents",
        notification_id=7,
        skipped_event_id="abc/3",
        skipped_event_type=None,
        topic="ssp.incidents.searches",
        error="ValidationError: term: bad",
        reason="translator bug, fixed in 1.2",
        actor=CANARY_ACTOR,
    )
    (recorded,) = skip.collect_events()
    assert isinstance(recorded, RelaySkip.Recorded)
    message = skip_message(recorded, "/ssp/incidents")
    assert message is not None and message.topic == "ssp.incidents.searches"
    assert dict(message.headers)["ce_type"] == b"uk.police.ssp.platform.relay_event_skipped.v1"
    assert skip.id == RelaySkip.create_id("incidents-outbox", 7)  # one skip per notification


def test_relay_metrics_keep_a_small_label_set() -> None:
    metrics = RelayMetrics(CollectorRegistry(), relay="x-outbox")
    metrics.set_state("stalled")
    metrics.error("no-such-reason")
    registry = metrics.registry
    assert registry.get_sample_value("ssp_relay_state", {"relay": "x-outbox", "state": "stalled"})
    assert not registry.get_sample_value(
        "ssp_relay_state", {"relay": "x-outbox", "state": "running"}
    )
    assert registry.get_sample_value(
        "ssp_relay_errors_total", {"relay": "x-outbox", "reason": "other"}
    )
    assert lock_key("a-outbox") == lock_key("a-outbox") != lock_key("b-outbox")


def test_readyz_answers_with_the_pipeline_beside_the_checks() -> None:
    from services.incidents.main import create_app

    settings = ServiceSettings.for_service("incidents", in_memory=True)
    with TestClient(create_app(settings)) as client:
        answer = client.get("/readyz")
    assert answer.status_code == 200
    assert answer.json() == {"status": "ok", "checks": {"in_memory": "ok"}, "pipeline": {}}


def test_a_relay_that_lost_the_lead_reports_no_lag_or_stall_of_its_own() -> None:
    metrics = RelayMetrics(CollectorRegistry(), relay="x-outbox")
    metrics.leader.set(1)
    metrics.lag.set(50)
    metrics.stalled_at.set(7)
    metrics.set_state("standby")  # another instance leads the store now
    registry, labels = metrics.registry, {"relay": "x-outbox"}
    for name in ("ssp_relay_lag_events", "ssp_relay_stalled_notification", "ssp_relay_leader"):
        assert registry.get_sample_value(name, labels) == 0
