"""Crypto-shredding end to end: record → publish → report (and due for retention) → erase in
every service (``ssp erasure``) → every surface shows erased → the audit trail verifies; the
pupil's one pseudonym in both services is forgotten by the registry, whichever erases first."""

import re
import uuid
from datetime import UTC, datetime
from typing import Any

import httpx
import psycopg
import pytest

from services.cli.main import main
from services.disclosure.tests.api_helpers import ROUTINE
from services.incidents.tests.staffing import deployed_at
from services.incidents.tests.stories import PERSON, search_body
from services.runtime.pseudonyms import for_service
from services.runtime.retention import RetentionSchedule
from services.runtime.settings import ServiceSettings
from services.runtime.subject_registry import registry_database
from services.runtime.testing import bearer, read_all, wait_for

pytestmark = pytest.mark.stack

SCHOOL = "school-er-1"
OFFICER = "officer-er-1"
PUPIL = f"pupil-{uuid.uuid4().hex[:16]}"
GROUNDS = "Seen passing a wrap to another pupil by the gate"


def audit(reporting: Any, entity: str) -> list[dict[str, Any]]:
    """The audit entries of ``entity``."""
    answer = httpx.get(
        f"{reporting.url}/audit", params={"entity": entity}, headers=bearer("auditor", "aud-1")
    )
    assert answer.status_code == 200, answer.text
    entries: list[dict[str, Any]] = answer.json()
    return entries


def registry(ref: str) -> dict[str, str]:
    """The subject registry's rows of ``ref``: each holding service and its pseudonym."""
    admin = ServiceSettings.for_service("admin", db_name=registry_database())
    with psycopg.connect(admin.pg_dsn) as conn:
        found = conn.execute(
            "SELECT holder, pseudonym FROM ssp_subject_registry WHERE subject_ref = %s", (ref,)
        ).fetchall()
    return dict(found)


def surfaces(incidents: Any, search_id: str) -> str:
    """What the incidents API shows of the search to a role allowed the person, and the CSV."""
    headers = bearer("borough_supervisor", "sup-er-1", borough="Waltham Forest")
    texts = []
    why = {"purpose": "audit"}  # every read of a record logs its purpose
    for path in ("", "/person", "/history"):
        answer = httpx.get(
            f"{incidents.url}/searches/{search_id}{path}", params=why, headers=headers
        )
        assert answer.status_code == 200, answer.text
        texts.append(answer.text)
    csv = httpx.get(f"{incidents.url}/searches/export.csv", params=why, headers=headers)
    assert csv.status_code == 200, csv.text
    return "\n".join([*texts, csv.text])


def test_an_erased_pupil_is_erased_everywhere_and_the_trail_verifies(
    services: Any, fresh_db: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    incidents_db = fresh_db("incidents")
    incidents = services("incidents", SSP_INCIDENTS_DB_NAME=incidents_db)
    reporting = services(
        "reporting",
        SSP_REPORTING_DB_NAME=fresh_db("reporting"),
        SSP_REPORTING_CONSUMER_GROUP_SUFFIX=f".{uuid.uuid4().hex[:8]}",
    )
    disclosure = services("disclosure", SSP_DISCLOSURE_DB_NAME=fresh_db("disclosure"))
    officer = deployed_at(incidents.url, OFFICER, [SCHOOL])

    # Record: a search of a pupil, with the person's name and the grounds.
    body = search_body(school_id=SCHOOL, pupil_ref=PUPIL, grounds=GROUNDS)
    response = httpx.post(f"{incidents.url}/searches", json=body, headers=officer)
    assert response.status_code == 201, response.text
    search_id = response.json()["id"]
    assert PERSON in surfaces(incidents, search_id)

    # Publish and report: the trail has the search, under the pupil's pseudonym only.
    [entry] = wait_for(lambda: audit(reporting, search_id), timeout=60, what="the search")
    pseudonym = entry["data"]["pupil_ref"]
    assert pseudonym.startswith("pupil-") and pseudonym != PUPIL

    # Reporting shows the search among the records whose retention ends in its month.
    expiry = RetentionSchedule().until("search", datetime.fromisoformat(body["searched_at"]))
    month = expiry.astimezone(UTC).strftime("%Y-%m")

    def due_searches() -> int:
        answer = httpx.get(
            f"{reporting.url}/retention/due",
            params={"month": month},
            headers=bearer("data_protection_officer", "dpo-er-1"),
        )
        assert answer.status_code == 200, answer.text
        counts = {row["kind"]: row["records"] for row in answer.json()["due"]}
        return int(counts["search"])

    # (other tests of the run record searches in the same month on the same topics)
    assert wait_for(due_searches, timeout=60, what="the search due for retention") >= 1

    # A Section 115 request about the same pupil, in the disclosure service.
    request = {**ROUTINE, "subject_ref": PUPIL, "school_id": SCHOOL}
    response = httpx.post(f"{disclosure.url}/requests", json=request, headers=officer)
    assert response.status_code == 201, response.text
    request_id = response.json()["id"]
    # Both services hold the pupil under the one pseudonym the trail shows.
    assert registry(PUPIL) == {"incidents": pseudonym, "disclosure": pseudonym}

    # Erase, as the data protection officer: disclosure first, on its own, then `ssp erasure`
    # in every service that holds the pupil (incidents still finds its own key by reference).
    dpo = bearer("data_protection_officer", "dpo-er-1")
    alone = httpx.post(
        f"{disclosure.url}/subjects/{PUPIL}/erasure",
        json={"legal_basis": "dpa-2018-s47", "reason": "Subject's request"},
        headers=dpo,
    )
    assert alone.status_code == 201, alone.text
    assert registry(PUPIL) == {}
    urls = [f"--url=incidents={incidents.url}", f"--url=disclosure={disclosure.url}"]
    basis = [
        "--legal-basis",
        "dpa-2018-s47",
        "--reason",
        "Subject's request",
        "--actor",
        "dpo-er-1",
    ]
    assert main(["erasure", PUPIL, *basis, *urls]) == 0
    printed = capsys.readouterr().out
    assert "disclosure: holds no key" in printed, printed
    erasure_id = re.search(r"incidents: erased \(record ([0-9a-f-]{36})\)", printed)[1]  # type: ignore[index]
    shown = httpx.get(
        f"{disclosure.url}/requests/{request_id}", params={"purpose": "audit"}, headers=officer
    ).json()
    assert shown["subject_ref"] == "erased" and shown["purpose"] == "erased"
    # Erased everywhere: a second run finds nothing to erase.
    assert main(["erasure", PUPIL, *basis, *urls]) == 1

    # Every surface of the service shows erased, also after a restart that replays the log.
    for restarted in (False, True):
        if restarted:
            incidents.stop()
            incidents.start()
        shown = surfaces(incidents, search_id)
        assert PERSON not in shown and GROUNDS not in shown and PUPIL not in shown
        assert "erased" in shown

    # The erasure reached the audit trail, naming the pseudonym and the officer, not the reason.
    # (Both services' erasures of the pupil have one id, made from the one pseudonym.)
    def erasures() -> dict[str, dict[str, Any]]:
        found = {e["event_type"]: e for e in audit(reporting, erasure_id)}
        return found if len(found) == 2 else {}

    both = wait_for(erasures, timeout=60, what="both services' erasures")
    erased = both["uk.police.ssp.incidents.subject_erased.v1"]
    assert both["uk.police.ssp.disclosure.subject_erased.v1"]["data"]["pseudonym"] == pseudonym
    # the actor as the trail knows it: the pseudonym only incidents resolves
    actor = for_service("incidents").of("dpo-er-1")
    assert erased["data"]["pseudonym"] == pseudonym and erased["actor_id"] == actor
    verdict = httpx.get(f"{reporting.url}/audit/verify", headers=bearer("auditor", "aud-1"))
    assert verdict.json()["ok"] is True, verdict.text

    # Nothing on Kafka names the pupil or the person.
    topic = "ssp.incidents.events"
    on_kafka = b"".join(r.value or b"" for r in read_all(topic))
    on_kafka += b"".join(r.value or b"" for r in read_all("ssp.incidents.searches"))
    assert PUPIL.encode() not in on_kafka and PERSON.encode() not in on_kafka
    assert pseudonym.encode() in on_kafka

    # Recorded again, the pupil is someone new: one fresh pseudonym, the same in both services.
    again = search_body(school_id=SCHOOL, pupil_ref=PUPIL, grounds=GROUNDS)
    assert httpx.post(f"{incidents.url}/searches", json=again, headers=officer).status_code == 201
    response = httpx.post(f"{disclosure.url}/requests", json=request, headers=officer)
    assert response.status_code == 201, response.text
    fresh = registry(PUPIL)
    assert set(fresh) == {"incidents", "disclosure"} and len(set(fresh.values())) == 1
    assert pseudonym not in fresh.values()
