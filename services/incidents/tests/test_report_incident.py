"""Reporting an incident: protocol hours mark it for response officers; times and places."""

from datetime import UTC, datetime, time, timedelta

import pytest

from services.incidents.application import IncidentsApplication
from services.incidents.domain.hours import DEFAULT_HOURS
from services.incidents.tests.conftest import SCHOOL, actor, at, now, report
from services.runtime.domain import RuleViolation


def test_an_incident_in_protocol_hours_is_for_the_school_officer(app: IncidentsApplication) -> None:
    # When an incident at 10:30 on a school day is reported
    incident = app.get_incident(report(app, occurred_at=at(1, 10, 30)))
    # Then it is not marked for response officers
    assert incident.outside_protocol_hours is False
    assert incident.reported_by == "officer-001"


@pytest.mark.parametrize(("hour", "minute"), [(7, 59), (16, 0), (19, 15)])
def test_an_incident_outside_hours_is_marked_for_response_officers(
    app: IncidentsApplication, hour: int, minute: int
) -> None:
    incident = app.get_incident(report(app, occurred_at=at(1, hour, minute)))
    assert incident.outside_protocol_hours is True


def test_a_weekend_incident_is_outside_protocol_hours() -> None:
    saturday = datetime(2026, 11, 28, 11, 0, tzinfo=UTC)
    assert DEFAULT_HOURS.covers(saturday) is False


def test_protocol_hours_are_london_time_in_summer() -> None:
    # 07:30 UTC on a June weekday is 08:30 in London (BST): inside hours
    assert DEFAULT_HOURS.covers(datetime(2026, 6, 10, 7, 30, tzinfo=UTC)) is True
    # 15:30 UTC is 16:30 in London: outside
    assert DEFAULT_HOURS.covers(datetime(2026, 6, 10, 15, 30, tzinfo=UTC)) is False


def test_school_specific_hours_decide_the_marking(app: IncidentsApplication) -> None:
    # Given the school runs a breakfast club from 07:30 and closes at 17:00
    head = actor("head_teacher", "head-1")
    app.set_protocol_hours(
        school_id=SCHOOL,
        starts=time(7, 30),
        ends=time(17, 0),
        school_days=[1, 2, 3, 4, 5],
        closed_dates=[],
        actor=head,
    )
    # When incidents at 07:45 and 16:30 are reported
    early = app.get_incident(report(app, occurred_at=at(1, 7, 45)))
    late = app.get_incident(report(app, occurred_at=at(1, 16, 30)))
    # Then both fall inside the school's own hours
    assert early.outside_protocol_hours is False
    assert late.outside_protocol_hours is False


def test_a_closed_day_is_outside_protocol_hours(app: IncidentsApplication) -> None:
    day = at(1)
    app.set_protocol_hours(
        school_id=SCHOOL,
        starts=time(8),
        ends=time(16),
        school_days=[1, 2, 3, 4, 5],
        closed_dates=[day.date()],
        actor=actor("borough_supervisor", "sup-1", None),
    )
    assert app.get_incident(report(app, occurred_at=day)).outside_protocol_hours is True


def test_an_incident_cannot_be_reported_as_happening_in_the_future(
    app: IncidentsApplication,
) -> None:
    with pytest.raises(RuleViolation) as refused:
        report(app, occurred_at=now() + timedelta(hours=2))
    assert (refused.value.rule, refused.value.field) == ("not-in-future", "occurred_at")


def test_a_street_is_not_inside_the_premises(app: IncidentsApplication) -> None:
    with pytest.raises(RuleViolation) as refused:
        report(app, location_kind="premises", place="street")
    assert (refused.value.rule, refused.value.field) == ("location", "place")


def test_an_abutting_street_is_accepted(app: IncidentsApplication) -> None:
    incident = app.get_incident(report(app, location_kind="abutting_public_place", place="street"))
    assert incident.location_kind == "abutting_public_place"
