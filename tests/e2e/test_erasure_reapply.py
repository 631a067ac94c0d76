"""A restore from before an erasure brings the subject's key back; ``ssp erasure-reapply`` reads
the erasure the service published on Kafka (which no database restore rewinds) and erases the
subject again, so the restored store forgets what it had forgotten."""

import uuid
from typing import Any

import httpx
import psycopg
import pytest

from services.cli.main import main
from services.incidents.tests.staffing import deployed_at
from services.incidents.tests.stories import PERSON, search_body
from services.runtime.erasure_reapply import published_erasures
from services.runtime.settings import ServiceSettings
from services.runtime.testing import bearer, wait_for

pytestmark = pytest.mark.stack

SCHOOL = "school-ra-1"
OFFICER = "officer-ra-1"
PUPIL = f"pupil-{uuid.uuid4().hex[:16]}"


def person_shown(incidents: Any, search_id: str) -> str:
    """The search's person as a supervisor reads it (a logged read)."""
    answer = httpx.get(
        f"{incidents.url}/searches/{search_id}/person",
        params={"purpose": "audit"},
        headers=bearer("borough_supervisor", "sup-ra-1", borough="Waltham Forest"),
    )
    assert answer.status_code == 200, answer.text
    return answer.text


def test_an_erasure_a_restore_undid_is_applied_again(
    services: Any, fresh_db: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    db = fresh_db("incidents")
    incidents = services("incidents", SSP_INCIDENTS_DB_NAME=db)
    officer = deployed_at(incidents.url, OFFICER, [SCHOOL])
    body = search_body(school_id=SCHOOL, pupil_ref=PUPIL)
    response = httpx.post(f"{incidents.url}/searches", json=body, headers=officer)
    assert response.status_code == 201, response.text
    search_id = response.json()["id"]
    assert PERSON in person_shown(incidents, search_id)

    # The backup: the pupil's key row as it stands before the erasure.
    dsn = ServiceSettings.for_service("admin", db_name=db).pg_dsn
    with psycopg.connect(dsn) as conn:
        backed_up = conn.execute(
            "SELECT * FROM ssp_subject_keys WHERE subject_ref = %s", (PUPIL,)
        ).fetchone()
        columns = [
            c.name for c in conn.execute("SELECT * FROM ssp_subject_keys LIMIT 0").description or ()
        ]
    assert backed_up is not None
    pseudonym = backed_up[columns.index("pseudonym")]

    erased = httpx.post(
        f"{incidents.url}/subjects/{PUPIL}/erasure",
        json={"legal_basis": "dpa-2018-s47", "reason": "Subject's request"},
        headers=bearer("data_protection_officer", "dpo-ra-1"),
    )
    assert erased.status_code == 201, erased.text
    bootstrap = ServiceSettings.for_service("incidents").kafka_bootstrap
    wait_for(
        lambda: pseudonym in {p.pseudonym for p in published_erasures("incidents", bootstrap)},
        timeout=60,
        what="the erasure on Kafka",
    )

    # The restore: the key row is back and the service restarts on it; the person reads again.
    incidents.stop()
    with psycopg.connect(dsn) as conn:
        marks = ", ".join(["%s"] * len(columns))
        conn.execute(
            f"INSERT INTO ssp_subject_keys ({', '.join(columns)}) VALUES ({marks})", backed_up
        )
    incidents.start()
    assert PERSON in person_shown(incidents, search_id)

    # Re-applied from what Kafka kept: the key is destroyed again, and seen so at once.
    assert main(["erasure-reapply", "incidents", "--db", db]) == 0
    printed = capsys.readouterr().out
    assert f"{pseudonym} erased again" in printed, printed
    wait_for(
        lambda: PERSON not in person_shown(incidents, search_id),
        timeout=10,
        what="the person erased again",
    )
    assert "erased" in person_shown(incidents, search_id)
    # A second run finds nothing brought back.
    assert main(["erasure-reapply", "incidents", "--db", db]) == 0
    assert "0 keys a restore had brought back" in capsys.readouterr().out
