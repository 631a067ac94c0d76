"""What goes on Kafka: every event as a valid contract, with no personal details."""

import json
import re
from datetime import date, timedelta
from typing import Any
from uuid import UUID

import jsonschema
from ssp_contracts import CloudEvent, all_event_types
from ssp_contracts.schemas import schema_path

from services.disclosure.application import DisclosureApplication
from services.disclosure.domain.decision import Decision
from services.disclosure.tests.conftest import (
    DISCLOSURE_OFFICER,
    FULL,
    HEAD,
    NOW,
    OFFICER,
    PART,
    RELEASE,
    submit,
    urgent_form,
)
from services.disclosure.translation import translator
from services.runtime.actors_api import ActorResolution
from services.runtime.domain import Actor
from services.runtime.erasure import erase_subject
from services.runtime.pseudonyms import PATTERN
from services.runtime.sealed import published as pseudonym_of

AUDITOR = Actor("auditor-1", "auditor", "c-1")

WRITTEN = {
    "requesting_officer": "DC 456 B. Officer",
    "necessity": "Pupil has not been seen since Friday",
    "lawful_basis": "children_act_1989_s47",
}
EXCHANGE = {
    "school_id": "school-1",
    "borough": "waltham-forest",
    "partner_body": "health",
    "partner": "School nursing team, Dr Jones",
    "topic": "Vaping in the lower school",
    "exchanged_on": date(2026, 11, 20),
    "personal_data": False,
}


def every_kind_of_event(app: DisclosureApplication, given_released_request: UUID) -> None:
    """Add a correction, a closure, an urgent request in writing and an exchange."""
    later = NOW + timedelta(hours=6)
    decision = app.get_request(given_released_request).decision
    assert decision is not None
    correction = {**PART, "reasoning": "Reasoning restated after review"}
    app.correct_decision(
        given_released_request,
        decision["decision_id"],
        Decision(**correction),
        "Typo",
        later,
        DISCLOSURE_OFFICER,
    )
    app.close_request(given_released_request, date(2032, 12, 1), later, DISCLOSURE_OFFICER)
    urgent = submit(app, urgent_form())
    app.amend_request(urgent, {"purpose": "Pupil missing, last seen at the station"}, NOW, OFFICER)
    app.confirm_in_writing(urgent, dict(WRITTEN), later, OFFICER)
    app.countersign(urgent, app.get_request(urgent).content_hash, later, HEAD)
    app.decide(urgent, Decision(**FULL), later, DISCLOSURE_OFFICER)
    app.log_exchange(dict(EXCHANGE), NOW, OFFICER)
    app.record_consultation(
        actor=HEAD, purpose="safeguarding", record_kind="disclosure_request", now=later,
        record_id=urgent, subject_ref=pseudonym_of(app.get_request(urgent).subject_ref),
    )  # fmt: skip
    pseudonym = translator.pseudonyms.of(OFFICER.id)
    app.save(ActorResolution(pseudonym, "complaint", "Complaint ref 7", True, later, AUDITOR))
    reason = "Subject's request"
    erase_subject(app, urgent_form()["subject_ref"], legal_basis="dpa-2018-s47", reason=reason,
                  now=later, actor=Actor("dpo-1", "data_protection_officer", "corr-e"))  # fmt: skip


def published(app: DisclosureApplication) -> list[CloudEvent]:
    notes = app.recorder.select_notifications(1, 1000)
    events = [translator.translate(app.mapper.to_domain_event(n)) for n in notes]
    return [e for e in events if e is not None]


def test_every_event_is_a_valid_contract_with_its_schema(
    app: DisclosureApplication, given_released_request: UUID
) -> None:
    # Given a history with every kind of event
    every_kind_of_event(app, given_released_request)

    # When each is translated as the relay would
    events = published(app)

    # Then each validates against its committed JSON Schema and names its actor
    disclosure_types = {t for t in all_event_types() if t.startswith("uk.police.ssp.disclosure.")}
    assert {e.type for e in events} == disclosure_types
    for event in events:
        schema = json.loads(schema_path(event.type).read_text())
        jsonschema.validate(event.data, schema)
        assert re.match(PATTERN, event.actorid) and event.actorrole


def test_no_free_text_or_name_goes_on_kafka(
    app: DisclosureApplication, given_released_request: UUID
) -> None:
    every_kind_of_event(app, given_released_request)
    on_the_wire = " ".join(json.dumps(e.data) for e in published(app))
    request = app.get_request(given_released_request)
    private: list[Any] = [
        request.requesting_officer,
        request.purpose,
        request.necessity,
        PART["reasoning"],
        PART["withheld_reason"],
        RELEASE["information_shared"],
        RELEASE["recipient"],
        WRITTEN["requesting_officer"],
        EXCHANGE["partner"],
        EXCHANGE["topic"],
        "Reasoning restated",
    ]
    for text in private:
        assert text and text not in on_the_wire, text


def test_turnaround_is_derivable_from_the_events(
    app: DisclosureApplication, given_released_request: UUID
) -> None:
    events = {e.type.split(".")[-2]: e.data for e in published(app)}
    released = events["disclosure_released"]
    # One release event holds submission, decision and release times, urgency and place
    assert released["submitted_at"].startswith("2026-11-23T09:00")
    assert released["decided_at"].startswith("2026-11-23T11:00")
    assert released["released_at"].startswith("2026-11-23T12:00")
    assert (released["urgency"], released["borough"], released["school_id"]) == (
        "routine",
        "waltham-forest",
        "school-1",
    )
