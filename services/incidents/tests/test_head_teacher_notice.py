"""Serious incidents must be reported to the head teacher; the service lists those not told."""

from uuid import UUID

import pytest

from services.incidents.application import IncidentsApplication
from services.incidents.tests.conftest import actor, at, listed, now, report
from services.runtime.domain import RuleViolation, StateConflict
from services.runtime.views_pg import Where

HEAD = actor("head_teacher", "head-1")


def not_told(app: IncidentsApplication) -> list[str]:
    where = Where(equal={"kind": "incident", "serious": True}, null=("head_teacher_notified_at",))
    rows = listed(app, where)
    return [r["id"] for r in rows]


@pytest.mark.parametrize(
    "category",
    ["assault-with-injury", "robbery", "sexual-assault", "possession-of-weapons", "drugs"],
)
def test_each_serious_category_is_serious(app: IncidentsApplication, category: str) -> None:
    assert app.get_incident(report(app, category=category)).serious is True


def test_bullying_and_asb_are_not_serious(app: IncidentsApplication) -> None:
    assert app.get_incident(report(app, category="bullying")).serious is False
    assert app.get_incident(report(app, category="anti-social-behaviour")).serious is False


def test_a_serious_incident_is_listed_until_the_head_teacher_is_told(
    app: IncidentsApplication, given_serious_incident: UUID, given_reported_incident: UUID
) -> None:
    # Given a serious and a minor incident, only the serious one is outstanding
    assert not_told(app) == [str(given_serious_incident)]
    # When the head teacher is told
    app.notify_head_teacher(given_serious_incident, notified_at=at(1, 11), now=now(), actor=HEAD)
    # Then nothing is outstanding and the incident records when
    assert not_told(app) == []
    assert app.get_incident(given_serious_incident).head_teacher_notified_at == at(1, 11)


def test_the_notice_is_recorded_once(
    app: IncidentsApplication, given_serious_incident: UUID
) -> None:
    moment = now()
    app.notify_head_teacher(given_serious_incident, notified_at=at(1, 11), now=moment, actor=HEAD)
    with pytest.raises(StateConflict) as refused:
        app.notify_head_teacher(
            given_serious_incident, notified_at=at(1, 12), now=moment, actor=HEAD
        )
    assert refused.value.rule == "head-teacher-notice"
    # And the first notice stands
    assert app.get_incident(given_serious_incident).head_teacher_notified_at == at(1, 11)


def test_a_notice_before_the_incident_is_refused(
    app: IncidentsApplication, given_serious_incident: UUID
) -> None:
    with pytest.raises(RuleViolation) as refused:
        app.notify_head_teacher(given_serious_incident, notified_at=at(1, 9), now=now(), actor=HEAD)
    assert (refused.value.rule, refused.value.field) == ("chronology", "notified_at")


def test_a_serious_incident_cannot_close_before_the_head_teacher_is_told(
    app: IncidentsApplication, given_serious_incident: UUID
) -> None:
    with pytest.raises(RuleViolation) as refused:
        app.close_incident(
            given_serious_incident,
            outcome="local-resolution",
            closed_at=at(1, 15),
            now=now(),
            actor=actor(),
        )
    assert refused.value.rule == "serious-head-teacher-notice"
    assert app.get_incident(given_serious_incident).closed_at is None
