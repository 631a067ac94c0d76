"""Record keys on the real stack, with two instances of incidents on one database.

An incident's description names a pupil; erasing that pupil through one instance shreds the
description in the other at once (not after its 30 s key cache), on every surface, while the
other pupil's own details in the same record stay. A record whose retention ends is shredded
by ``ssp retention apply`` (a third process) the same way. (A restart's replay of an erased
record is the subject erasure test's, tests/e2e/test_subject_erasure.py.)
"""

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from services.cli.main import main
from services.incidents.tests.staffing import deployed_at
from services.runtime.retention import RetentionSchedule
from services.runtime.testing import bearer, wait_for

pytestmark = pytest.mark.stack

SCHOOL = "school-rt-1"
OFFICER = "officer-rt-1"
NAMED = f"pupil-{uuid.uuid4().hex[:16]}"
OTHER = f"pupil-{uuid.uuid4().hex[:16]}"
DESCRIPTION = "Riley Canary-Rt pushed a younger pupil into the fence by the gate"
UNNAMED = "Graffiti naming Morgan Canary-Rt on the sports hall wall"
SUPERVISOR = bearer("borough_supervisor", "sup-rt-1", borough="Waltham Forest")
DPO = bearer("data_protection_officer", "dpo-rt-1")
WHY = {"purpose": "investigation"}


def incident(url: str, description: str, pupils: list[str], at: datetime) -> str:
    """Report an incident as the deployed officer; its id."""
    body = {
        "school_id": SCHOOL, "occurred_at": at.isoformat(), "location_kind": "premises",
        "category": "anti-social-behaviour", "came_to_notice": "officer_patrol",
        "description": description, "pupil_refs": pupils,
    }  # fmt: skip
    officer = bearer("school_officer", OFFICER, school=SCHOOL)
    answer = httpx.post(f"{url}/incidents", json=body, headers=officer)
    assert answer.status_code == 201, answer.text
    incident_id: str = answer.json()["id"]
    return incident_id


def read(url: str, path: str, headers: Any = SUPERVISOR) -> Any:
    """GET ``path`` with a purpose; the JSON answer."""
    answer = httpx.get(f"{url}{path}", params=WHY, headers=headers)
    assert answer.status_code == 200, (path, answer.text)
    return answer.json()


def test_an_erasure_in_one_instance_shreds_the_text_in_the_other_at_once(
    services: Any, fresh_db: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    db = fresh_db("incidents")
    first = services("incidents", SSP_INCIDENTS_DB_NAME=db)
    second = services("incidents", SSP_INCIDENTS_DB_NAME=db, SSP_INCIDENTS_RELAY_ENABLED="false")
    deployed_at(first.url, OFFICER, [SCHOOL])
    occurred = datetime.now(UTC).replace(microsecond=0) - timedelta(hours=2)
    named = incident(first.url, DESCRIPTION, [NAMED, OTHER], occurred)
    unnamed = incident(first.url, UNNAMED, [], occurred)
    # The second instance reads both, so their keys sit in its cache.
    assert read(second.url, f"/incidents/{named}")["description"] == DESCRIPTION
    assert read(second.url, f"/incidents/{unnamed}")["description"] == UNNAMED

    body = {"legal_basis": "dpa-2018-s47", "reason": "The pupil's own request"}
    erased = httpx.post(f"{first.url}/subjects/{NAMED}/erasure", json=body, headers=DPO)
    assert erased.status_code == 201 and erased.json()["record_keys"] == 1, erased.text

    # At once in the other instance: bounded well below its 30 s key cache.
    shown = wait_for(
        lambda: (r := read(second.url, f"/incidents/{named}"))["description"] == "erased" and r,
        timeout=5,
        every=0.05,
        what="the description erased in the other instance",
    )
    assert shown["pupil_refs"] == ["erased", OTHER]
    history = read(second.url, f"/incidents/{named}/history")
    assert history[0]["data"]["description"] == "erased"
    access = read(second.url, f"/subjects/{OTHER}/access", DPO)
    [record] = [r for r in access["records"] if r["record_id"] == named]
    assert record["record"]["description"] == "erased" and OTHER in record["record"]["pupil_refs"]
    chronology = read(second.url, f"/pupils/{OTHER}/chronology")
    assert chronology["entries"] and DESCRIPTION not in str(chronology)
    assert read(second.url, f"/incidents/{unnamed}")["description"] == UNNAMED

    # The unnamed record's retention ends: a third process shreds it, seen at once here too.
    expiry = RetentionSchedule().until("incident", occurred) + timedelta(days=1)
    assert main(["retention", "apply", "incidents", "--db", db, "--at", expiry.isoformat()]) == 0
    assert "erased at expiry" in capsys.readouterr().out
    wait_for(
        lambda: read(second.url, f"/incidents/{unnamed}")["description"] == "erased",
        timeout=5,
        every=0.05,
        what="the expired record's text erased in the other instance",
    )
