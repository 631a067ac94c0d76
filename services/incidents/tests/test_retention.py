"""Retention by shredding: a subject's key is kept until every record of theirs has expired."""

from datetime import UTC, datetime, timedelta

import pytest

from services.incidents.application import IncidentsApplication
from services.incidents.domain.search import SearchFacts
from services.incidents.tests.conftest import PUPIL, actor, at, now, report
from services.incidents.tests.stories import search_facts
from services.runtime.record_keys import record_ref
from services.runtime.retention import RetentionSchedule, apply_retention, due
from services.runtime.sealed import ERASED


def test_the_schedule_counts_years_from_the_record_and_29_february_falls_to_the_28th() -> None:
    schedule = RetentionSchedule()
    assert schedule.until("search", datetime(2026, 3, 1, tzinfo=UTC)).year == 2032
    assert schedule.until("serious_incident", datetime(2028, 2, 29, tzinfo=UTC)) == datetime(
        2038, 2, 28, tzinfo=UTC
    )
    with pytest.raises(ValueError, match="no retention period"):
        schedule.years("lunch_menu")


def test_periods_are_configurable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SSP_RETENTION_SEARCH_YEARS", "2")
    assert RetentionSchedule().years("search") == 2


def test_a_subject_is_shredded_when_their_last_record_expires(app: IncidentsApplication) -> None:
    searched = at(1, 11, 17)
    facts = SearchFacts(**search_facts(), officer_id="officer-001")
    search_id = app.record_search(facts, now=now(), actor=actor())
    row = app.subjects.table.by_ref(PUPIL)
    assert row is not None and row.record_kind == "search"
    assert row.retain_until == RetentionSchedule().until("search", searched)
    # A serious incident about the same pupil keeps the key for its longer period.
    incident_id = report(app, category="robbery")
    row = app.subjects.table.by_ref(PUPIL)
    assert row is not None and row.record_kind == "serious_incident"
    assert row.retain_until is not None

    after_search = RetentionSchedule().until("search", searched) + timedelta(days=1)
    assert due(app.subjects, after_search) == []
    assert apply_retention(app, after_search) == 0

    expiry = row.retain_until + timedelta(seconds=1)
    # The incident's own text key is due at the same time; the pupil's erasure takes it.
    due_refs = {r.subject_ref for r in due(app.subjects, expiry)}
    assert due_refs == {PUPIL, record_ref(incident_id)}
    assert apply_retention(app, expiry) == 1
    description = app.get_incident(incident_id).description
    assert app.subjects.open(description, "description") == ERASED
    search = app.get_search(search_id)
    assert app.subjects.open(search.facts.person, "person") == ERASED
    # The erasure is recorded like any other, under the schedule's legal basis.
    last = list(app.recorder.select_notifications(1, 1000))[-1]
    event = app.mapper.to_domain_event(last)
    assert event.legal_basis == "retention-schedule"  # type: ignore[attr-defined]
    assert event.actor.id == "retention-schedule"  # type: ignore[attr-defined]
    assert apply_retention(app, expiry) == 0
