"""An event its contract would refuse is refused when the command is given; nothing is stored."""

from collections.abc import Iterator

import pytest

from services.runtime import translation
from services.runtime.domain import RuleViolation
from services.runtime.selftest import SelfTestApplication, translator


class CheckedCanaries(SelfTestApplication):
    """The canary application with the contract check every service application has."""

    contract = translator


@pytest.fixture
def app() -> Iterator[CheckedCanaries]:
    application = CheckedCanaries()
    yield application
    application.close()


def test_a_valid_event_is_stored(app: CheckedCanaries) -> None:
    app.write("run-ok", aggregates=1, steps=2, note="fine")
    assert app.recorder.max_notification_id() == 2


def test_an_event_its_contract_refuses_is_a_422_naming_field_and_rule(
    app: CheckedCanaries,
) -> None:
    with pytest.raises(RuleViolation) as refused:
        app.write("run-long", aggregates=1, steps=1, note="x" * 2001)
    assert refused.value.status_code == 422
    assert (refused.value.rule, refused.value.field) == ("string-too-long", "note")
    assert "contract of Canary.Started" in refused.value.message
    assert not app.recorder.max_notification_id()


def test_an_event_too_large_for_kafka_is_refused_before_it_is_stored(
    app: CheckedCanaries, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(translation, "MAX_MESSAGE_BYTES", 600)
    with pytest.raises(RuleViolation) as refused:
        app.write("run-big", aggregates=1, steps=1, note="x" * 1000)
    assert refused.value.rule == "event-too-large"
    assert not app.recorder.max_notification_id()
