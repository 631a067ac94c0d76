"""Every domain event has a contract; none carries a personal detail."""

import inspect
import json
from datetime import datetime

import pytest
from eventsourcing.domain import Aggregate, CanMutateAggregate
from pydantic import ValidationError
from ssp_contracts.events import incidents as c
from ssp_contracts.events.common import producing
from ssp_contracts.vocab import EvidenceTransfer

from services.incidents import domain
from services.incidents.application import IncidentsApplication
from services.incidents.domain import (
    arrest,
    evidence,
    hours,
    incident,
    indicators,
    safeguarding,
    search,
)
from services.incidents.domain.search import SearchFacts
from services.incidents.tests.conftest import actor, at, now, report
from services.incidents.tests.stories import PERSON, search_facts
from services.incidents.translation import translator
from services.runtime.clock import LONDON


def test_every_domain_event_class_is_translated() -> None:
    modules = (arrest, evidence, hours, incident, indicators, safeguarding, search)
    aggregates = [
        cls for m in modules for _, cls in inspect.getmembers(m, inspect.isclass)
        if issubclass(cls, Aggregate) and cls is not Aggregate and cls.__module__ == m.__name__
    ]  # fmt: skip
    events = [
        e for a in aggregates for e in vars(a).values()
        if inspect.isclass(e) and issubclass(e, CanMutateAggregate)
        and e.__name__ not in {"Event", "Created"}  # the library's bases, never triggered
    ]  # fmt: skip
    assert len(events) >= 15
    assert all(translator.covers(e) for e in events), [
        e for e in events if not translator.covers(e)
    ]
    assert domain.__doc__


def test_no_free_text_or_person_reaches_the_contracts(app: IncidentsApplication) -> None:
    # Given a school day's records full of free text
    incident_id = report(app, category="robbery", description="Ali took Sam's phone")
    moment = now()
    app.record_police_action(
        incident_id, action="crime_report", taken_at=at(1, 12), justification=None, now=moment,
        actor=actor(),
    )  # fmt: skip
    facts = SearchFacts(**search_facts(incident_id=str(incident_id)), officer_id="officer-001")
    app.record_search(facts, now=moment, actor=actor())
    app.seize_evidence(
        incident_id=incident_id, kind="electronic_device", description="Sam's phone, cracked",
        seized_at=at(1, 12), justification=None, now=moment, actor=actor("school_staff", "staff-1"),
    )  # fmt: skip
    # When every stored event is translated
    notifications = app.recorder.select_notifications(1, 100)
    cloud_events = [translator.translate(app.mapper.to_domain_event(n)) for n in notifications]
    texts = [json.dumps(e.data) for e in cloud_events if e is not None]
    # Then none carries the names, the grounds or the descriptions
    blob = "\n".join(texts)
    for secret in ("Ali", "Sam", PERSON, "knife in his bag", "Changing room", "cracked"):
        assert secret not in blob
    assert len(texts) == len(notifications) == 4


def test_evidence_custody_goes_out_as_kinds_and_times_only(app: IncidentsApplication) -> None:
    # Given an item handed to the officer and returned "to whom it went back" (free text)
    incident_id = report(app, category="robbery", description="phone taken")
    item = app.seize_evidence(
        incident_id=incident_id, kind="electronic_device", description="a phone",
        seized_at=at(1, 12), justification=None, now=now(), actor=actor("school_staff", "staff-1"),
    )  # fmt: skip
    moves: tuple[tuple[EvidenceTransfer, str, int], ...] = (
        ("handed_to_officer", "officer-001", 13),
        ("returned", "Mrs Jo Bloggs, 4 Elm Rd", 14),
    )
    for transfer, to, hour in moves:
        app.transfer_evidence(
            item, transfer=transfer, to_id=to, transferred_at=at(1, hour), now=now(),
            actor=actor(),
        )  # fmt: skip
    # When its events are translated
    notifications = app.recorder.select_notifications(1, 100)
    events = [translator.translate(app.mapper.to_domain_event(n)) for n in notifications]
    custody = [e for e in events if e is not None and ".evidence_" in e.type]
    # Then version 2 goes out: the kind of each move and its time, no person and no reference
    assert [e.type.rsplit(".", 2)[1:] for e in custody] == [
        ["evidence_seized", "v2"], ["evidence_transferred", "v2"], ["evidence_transferred", "v2"],
    ]  # fmt: skip
    assert custody[-1].data["transfer"] == "returned"
    assert custody[-1].data["to_holder"] == "owner"
    blob = json.dumps([e.data for e in custody])
    for secret in ("Bloggs", "Elm", "officer-001", "staff-1"):
        assert secret not in blob
    # and the reference stays in the store, under the item's record key, for its own readers
    returned_to = str(app.get_evidence(item).custody[-1]["to"])
    assert app.subjects.open(returned_to, "holder_id") == "Mrs Jo Bloggs, 4 Elm Rd"


def test_searches_go_out_to_the_hour_and_keep_their_london_day(app: IncidentsApplication) -> None:
    # Given a search at 23:41 London time (the last hour of the day) and parents told at 23:52
    late = at(1, 23, 41)
    facts = SearchFacts(**search_facts(searched_at=late), officer_id="officer-001")
    search_id = app.record_search(facts, now=now(), actor=actor())
    app.inform_parents(
        search_id, informed_at=late.replace(minute=52), now=now(), actor=actor("school_staff")
    )
    # When its events are translated
    notifications = app.recorder.select_notifications(1, 100)
    events = [translator.translate(app.mapper.to_domain_event(n)) for n in notifications]
    times = [e.data.get("searched_at") or e.data["informed_at"] for e in events if e is not None]
    # Then both carry the hour, not the minute, and the hour still falls on the London day
    for published in map(datetime.fromisoformat, times):
        assert (published.minute, published.second) == (0, 0)
        assert published.astimezone(LONDON).date() == late.date()
        assert published.astimezone(LONDON).hour == 23
    # And the store keeps the minute for the service's own record
    assert app.get_search(search_id).facts.searched_at == late


def test_a_writer_may_not_publish_a_search_to_the_minute() -> None:
    facts = {**search_facts(searched_at=at(1, 11, 17)), "officer_id": "officer-001"}
    payload = {k: v for k, v in facts.items() if k in c.SearchRecorded.model_fields}
    payload.update(search_id="s-1", items_found=False, injury_or_damage=False)
    # A reader still takes history recorded to the minute
    assert c.SearchRecorded(**payload).searched_at.minute == 17
    with producing(), pytest.raises(ValidationError, match="hour-precision"):
        c.SearchRecorded(**payload)
