"""Planning and problem-solving exchanges: logged as their own record, no countersignature."""

from datetime import UTC, date, timedelta

import pytest

from services.disclosure.application import DisclosureApplication
from services.disclosure.tests.conftest import NOW, OFFICER, register_of
from services.runtime.clock import london
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
    [entry] = register_of(app, "waltham-forest")
    assert (entry.kind, entry.id, entry.status) == ("planning_exchange", exchange_id, "logged")
    assert (entry.recorded_by, entry.recipient, entry.topic, entry.exchanged_on) == (
        "officer-1",
        "Youth Offending Team",
        EXCHANGE["topic"],
        date(2026, 11, 20),
    )


def test_an_exchange_based_on_personal_knowledge_is_logged_not_refused(
    app: DisclosureApplication,
) -> None:
    # "An exchange of information for the purpose of planning or problem solving, based on
    # personal knowledge, is to be encouraged." (Appendix 2)
    exchange_id = app.log_exchange({**EXCHANGE, "personal_data": True}, NOW, OFFICER)
    [entry] = register_of(app, "waltham-forest")
    assert (entry.id, entry.personal_knowledge) == (exchange_id, True)


def test_an_exchange_cannot_lie_in_the_future(app: DisclosureApplication) -> None:
    tomorrow = (NOW + timedelta(days=1)).date()
    with pytest.raises(RuleViolation) as refused:
        app.log_exchange({**EXCHANGE, "exchanged_on": tomorrow}, NOW, OFFICER)
    assert refused.value.field == "exchanged_on"


def test_today_is_the_london_day_even_just_after_midnight_in_summer(
    app: DisclosureApplication,
) -> None:
    # Given 00:30 on 8 July in London, which the service's clock gives as 23:30 UTC on 7 July
    just_after_midnight = london(2026, 7, 8, 0, 30).astimezone(UTC)
    # When the officer logs an exchange held that day, it is today's, not a future one
    exchange_id = app.log_exchange(
        {**EXCHANGE, "exchanged_on": date(2026, 7, 8)}, just_after_midnight, OFFICER
    )
    assert app.get_exchange(exchange_id).exchanged_on == date(2026, 7, 8)
