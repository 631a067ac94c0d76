"""The search record: grounds required, outcome link, parents informed by staff."""

from dataclasses import fields, replace
from uuid import UUID

import pytest

from services.incidents.api.searches import RecordSearch
from services.incidents.application import IncidentsApplication
from services.incidents.domain.search import POLICE_FORM, Search, SearchFacts
from services.incidents.tests.conftest import actor, at, listed, now, report
from services.incidents.tests.stories import search_facts
from services.runtime.domain import RuleViolation, StateConflict
from services.runtime.views_pg import Where

STAFF = actor("school_staff", "staff-1")


def record(app: IncidentsApplication, **overrides: object) -> UUID:
    facts = SearchFacts(**search_facts(**overrides), officer_id="officer-001")
    return app.record_search(facts, now=now(), actor=actor())


def parents_not_told(app: IncidentsApplication) -> list[str]:
    where = Where(equal={"kind": "search"}, not_null=("pupil_ref",), null=("parents_informed_at",))
    rows = listed(app, where)
    return [r["id"] for r in rows]


def test_a_search_is_recorded_with_the_form_fields(app: IncidentsApplication) -> None:
    search = app.get_search(record(app))
    assert search.facts.legislation == "Criminal Justice Act 1988 (section 139B)"
    assert search.recorded_by == "officer-001"
    assert search.parents_informed_at is None


@pytest.mark.parametrize(
    ("field", "rule"), [("grounds", "search-grounds"), ("person", "search-person")]
)
def test_blank_grounds_or_person_are_refused(
    app: IncidentsApplication, field: str, rule: str
) -> None:
    with pytest.raises(RuleViolation) as refused:
        record(app, **{field: "   "})
    assert (refused.value.rule, refused.value.field) == (rule, field)


def test_no_further_action_cannot_be_linked_to_the_object(app: IncidentsApplication) -> None:
    with pytest.raises(RuleViolation) as refused:
        record(app, outcome_linked_to_object_of_search=True)
    assert refused.value.rule == "outcome-link"


def test_a_linked_incident_must_be_at_the_same_school(app: IncidentsApplication) -> None:
    elsewhere = report(app, school_id="school-002")
    with pytest.raises(RuleViolation) as refused:
        record(app, incident_id=str(elsewhere))
    assert (refused.value.rule, refused.value.field) == ("same-school", "incident_id")


def test_parents_are_listed_until_staff_inform_them(app: IncidentsApplication) -> None:
    # Given a search of a pupil
    search_id = record(app)
    assert parents_not_told(app) == [str(search_id)]
    # When a member of staff informs the parents
    app.inform_parents(search_id, informed_at=at(1, 15), now=now(), actor=STAFF)
    # Then the search is no longer outstanding, and a second notice is refused
    assert parents_not_told(app) == []
    with pytest.raises(StateConflict):
        app.inform_parents(search_id, informed_at=at(1, 16), now=now(), actor=STAFF)


def test_parents_of_a_person_who_is_not_a_pupil_are_not_tracked(
    app: IncidentsApplication,
) -> None:
    search_id = record(app, pupil_ref=None, age_range="over 34")
    assert parents_not_told(app) == []
    with pytest.raises(RuleViolation) as refused:
        app.inform_parents(search_id, informed_at=at(1, 15), now=now(), actor=STAFF)
    assert refused.value.rule == "parents-of-pupil"


def test_parents_cannot_be_informed_before_the_search(app: IncidentsApplication) -> None:
    search_id = record(app)
    with pytest.raises(RuleViolation) as refused:
        app.inform_parents(search_id, informed_at=at(1, 9), now=now(), actor=STAFF)
    assert refused.value.rule == "chronology"


# The search as stored since the first release: one attribute per fact, under this topic.
STORED = [
    "school_id",
    "incident_id",
    "searched_by",
    "officer_id",
    "searched_at",
    "location_kind",
    "place_description",
    "latitude",
    "longitude",
    "pupil_ref",
    "person",
    "legislation",
    "object_of_search",
    "grounds",
    "gender",
    "age_range",
    "self_defined_ethnicity",
    "officer_defined_ethnicity",
    "outcome",
    "outcome_linked_to_object_of_search",
    "removal_of_more_than_outer_clothing",
    "found",
    "injury_or_damage",
    "actor",
    "originator_topic",
    "timestamp",
]


# Version 2 adds the police form's own fields (Form 5090), flat like the rest.
STORED_V2 = [*STORED, *POLICE_FORM, "class_version"]


def test_searches_are_stored_as_they_always_were(app: IncidentsApplication) -> None:
    # Given a search recorded from its SearchFacts
    [stored] = app.recorder.select_events(record(app))
    # Then the stored event keeps the flat layout older events have, so both read alike
    assert stored.topic == "services.incidents.domain.search:Search.Recorded"
    assert sorted(app.mapper.transcoder.decode(stored.state)) == sorted(STORED_V2)


def test_a_search_stored_before_the_police_form_fields_still_reads(
    app: IncidentsApplication,
) -> None:
    # Given a search stored in version 1's layout (no form reference, number, station, receipt)
    search_id = record(app)
    [stored] = app.recorder.select_events(search_id)
    state = app.mapper.transcoder.decode(stored.state)
    old = {k: v for k, v in state.items() if k in STORED}
    v1 = replace(stored, state=app.mapper.transcoder.encode(old))
    # When it is read, it is upcast: the police form's fields are simply not recorded
    event = app.mapper.to_domain_event(v1)
    assert isinstance(event, Search.Recorded)
    assert [getattr(event, f) for f in POLICE_FORM] == [None] * 4


def test_the_form_asks_for_every_fact_but_the_officer() -> None:
    form = set(RecordSearch.model_fields)
    facts = {f.name for f in fields(SearchFacts)}
    assert form == facts - {"officer_id"} | {"assisting_officer_id"}
