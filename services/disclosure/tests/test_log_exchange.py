"""Planning and problem-solving exchanges: logged as their own record, no countersignature."""

from datetime import date, timedelta

import pytest

from services.disclosure.application import DisclosureApplication
from services.disclosure.tests.conftest import NOW, OFFICER
from services.disclosure.views.register import Register
from services.runtime.domain import RuleViolation

EXCHANGE = {
    "school_id": "school-1",
    "borough": "waltham-forest",
    "partner_body": "local_authority",
    "partner": "Youth Offending Team",
    "topic": "After-school disorder at the bus station",
    "exchanged_on": date(2026, 11, 20),
    "personal_data": False,
}


def test_an_exchange_is_logged_and_appears_in_the_register(app: DisclosureApplication) -> None:
    # When the officer logs a planning meeting with the youth offending team
    exchange_id = app.log_exchange(dict(EXCHANGE), NOW, OFFICER)

    # Then the register holds it as its own kind of record: who, with whom, topic, date
    [entry] = Register(app).of_borough("waltham-forest")
    assert (entry.kind, entry.id, entry.status) == ("planning_exchange", exchange_id, "logged")
    assert (entry.recorded_by, entry.recipient, entry.topic, entry.exchanged_on) == (
        "officer-1",
        "Youth Offending Team",
        EXCHANGE["topic"],
        date(2026, 11, 20),
    )


def test_personal_data_needs_a_section_115_request(app: DisclosureApplication) -> None:
    with pytest.raises(RuleViolation) as refused:
        app.log_exchange({**EXCHANGE, "personal_data": True}, NOW, OFFICER)
    assert (refused.value.rule, refused.value.field) == (
        "personal-data-needs-request",
        "personal_data",
    )


def test_an_exchange_cannot_lie_in_the_future(app: DisclosureApplication) -> None:
    tomorrow = (NOW + timedelta(days=1)).date()
    with pytest.raises(RuleViolation) as refused:
        app.log_exchange({**EXCHANGE, "exchanged_on": tomorrow}, NOW, OFFICER)
    assert refused.value.field == "exchanged_on"
