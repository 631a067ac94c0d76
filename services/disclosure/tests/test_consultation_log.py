"""Reads of a request and exports of the register are logged: who, when, why, what.

Data Protection Act 2018 s62: a log of each consultation and disclosure, with its
justification, date and time and who consulted. The protocol's own register is the log of
what was shared; this is the log of who looked.
"""

from typing import cast

from fastapi import FastAPI
from fastapi.testclient import TestClient

from services.disclosure.api.context import DisclosureContext
from services.disclosure.tests.api_helpers import AUDITOR, BOROUGH, HEAD, OTHER_HEAD, submitted
from services.disclosure.tests.conftest import NOW, PUPIL
from services.runtime.consultations import Consultation
from services.runtime.endpoint import context_of


def consultations(client: TestClient) -> list[Consultation.Recorded]:
    """The consultation events in the service's store, oldest first."""
    app = context_of(cast(FastAPI, client.app), DisclosureContext).application
    events = [app.mapper.to_domain_event(n) for n in app.recorder.select_notifications(1, 1000)]
    return [e for e in events if isinstance(e, Consultation.Recorded)]


def test_reading_a_request_needs_a_purpose_and_is_logged(client: TestClient) -> None:
    request_id = submitted(client)
    missing = client.get(f"/requests/{request_id}", headers=HEAD)
    assert missing.status_code == 422
    assert missing.json()["detail"]["field"] == "query.purpose"
    assert missing.json()["detail"]["rule"] == "missing"
    # An outsider's refused read is not a consultation
    why = {"purpose": "disclosure_decision"}
    assert client.get(f"/requests/{request_id}", params=why, headers=OTHER_HEAD).status_code == 404
    assert consultations(client) == []

    assert client.get(f"/requests/{request_id}", params=why, headers=HEAD).status_code == 200
    [logged] = consultations(client)
    assert (logged.actor.id, logged.purpose, logged.consulted_at) == (
        "head-1",
        "disclosure_decision",
        NOW,
    )
    assert (logged.record_kind, logged.record_id) == ("disclosure_request", request_id)
    # The log names the subject as Kafka does: by pseudonym, never the reference in clear
    app = context_of(cast(FastAPI, client.app), DisclosureContext).application
    assert logged.subject_ref == app.subjects.pseudonym(PUPIL)


def test_the_register_export_is_logged_with_how_many_records(client: TestClient) -> None:
    submitted(client)
    submitted(client)
    params = {"borough": BOROUGH, "purpose": "audit"}
    assert client.get("/register.csv", params=params, headers=AUDITOR).status_code == 200
    [logged] = consultations(client)
    assert (logged.record_kind, logged.records, logged.actor.role) == (
        "register_export",
        2,
        "auditor",
    )
