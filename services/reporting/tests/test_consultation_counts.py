"""Consultations of personal data counted by kind and purpose, from the audit trail itself.

Data Protection Act 2018 s62 asks for a log of each consultation; issue item 15 asks that a
pupil's chronology be "one scoped, audited view". The counts are of the trail's own entries,
so the report's "chronologies consulted" cannot disagree with what the trail holds.
"""

import uuid
from datetime import timedelta

import asyncpg
import pytest
from fastapi.testclient import TestClient
from ssp_contracts.events.consultations import DisclosureDataConsulted, IncidentsDataConsulted

from services.reporting.tests.audit_stories import record, reported
from services.reporting.tests.builders import T0, received
from services.runtime.testing import bearer, refusal_rule

pytestmark = pytest.mark.stack
AUDITOR = bearer("auditor", "auditor-1")
PUPIL = "pupil-00000000000000c1"


def chronology(minute: int, records: int) -> IncidentsDataConsulted:
    at = T0 + timedelta(minutes=minute)
    return IncidentsDataConsulted(
        consultation_id=str(uuid.uuid4()), record_kind="pupil_chronology", subject_ref=PUPIL,
        purpose="safeguarding", records=records, consulted_at=at,
    )  # fmt: skip


@pytest.fixture
async def given_three_reads(read_models: asyncpg.Connection, api: TestClient) -> TestClient:
    # Two chronologies read for safeguarding (3 entries, then none), one register export
    request = DisclosureDataConsulted(
        consultation_id=str(uuid.uuid4()),
        record_kind="register_export",
        purpose="audit",
        records=7,
        consulted_at=T0,
    )
    events = [chronology(1, 3), chronology(2, 0), request]
    await record(read_models, [received(e, subject=PUPIL) for e in events], [reported(9)])
    return api


def test_chronologies_consulted_are_counted_with_the_records_shown(
    given_three_reads: TestClient,
) -> None:
    answer = given_three_reads.get("/audit/consultations", headers=AUDITOR)
    assert answer.status_code == 200, answer.text
    assert answer.json() == [
        {"service": "disclosure", "record_kind": "register_export", "purpose": "audit",
         "consultations": 1, "records_shown": 7},
        {"service": "incidents", "record_kind": "pupil_chronology", "purpose": "safeguarding",
         "consultations": 2, "records_shown": 3},
    ]  # fmt: skip
    # The entries behind the counts (the incident reported is not a consultation)
    explained = given_three_reads.get(
        "/audit/consultations", params={"explain": "1"}, headers=AUDITOR
    ).json()
    assert [e["record_kind"] for e in explained["inputs"]] == [
        "pupil_chronology", "pupil_chronology", "register_export",
    ]  # fmt: skip
    analyst = given_three_reads.get("/audit/consultations", headers=bearer("analyst", "a-1"))
    assert (analyst.status_code, refusal_rule(analyst)) == (403, "role-not-permitted")
