"""The query sides in PostgreSQL: read-your-writes, several instances, restarts without refolds."""

import asyncio
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from datetime import timedelta
from typing import Any

import asyncpg
import pytest
from fastapi.testclient import TestClient

from services.disclosure.main import create_app as disclosure_app
from services.disclosure.tests.api_helpers import BOROUGH, DO, OFFICER, ROUTINE
from services.incidents.main import create_app
from services.incidents.tests.conftest import OFFICER as OFFICER_ID
from services.incidents.tests.conftest import SCHOOL
from services.incidents.tests.stories import search_body
from services.incidents.views.deployments import DDL as DEPLOYMENTS_DDL
from services.runtime.clock import SystemClock, london_day
from services.runtime.dbroles import as_migrator
from services.runtime.positions import MIN_POSITION_HEADER, POSITION_HEADER
from services.runtime.settings import ServiceSettings
from services.runtime.testing import bearer
from services.runtime.tests.test_positions import AUDITOR, INCIDENT, STAFF
from services.staffing.main import create_app as staffing_app
from tests.e2e.test_idempotency import school

pytestmark = pytest.mark.stack


def settings(db: str) -> ServiceSettings:
    """Incidents on ``db`` with its view runner; no relay or consumers (no Kafka needed)."""
    return ServiceSettings.for_service(
        "incidents", db_name=db, relay_enabled=False, projections_enabled=False
    )


@contextmanager
def instances(db: str, count: int) -> Iterator[list[TestClient]]:
    """``count`` instances of the incidents app on one database, each with its own runner."""
    with ExitStack() as stack:
        yield [stack.enter_context(TestClient(create_app(settings(db)))) for _ in range(count)]


def report(client: TestClient) -> tuple[str, str]:
    """(incident id, SSP-Position) of a newly reported incident."""
    answer = client.post("/incidents", json=INCIDENT, headers=STAFF)
    assert answer.status_code == 201, answer.text
    return answer.json()["id"], answer.headers[POSITION_HEADER]


def listed(client: TestClient, position: str) -> list[dict[str, Any]]:
    """The incidents an auditor sees once the views reached ``position``."""
    answer = client.get("/incidents", headers={**AUDITOR, MIN_POSITION_HEADER: position})
    assert answer.status_code == 200, answer.text
    rows: list[dict[str, Any]] = answer.json()
    return rows


def sql(db: str, statement: str, *args: Any) -> Any:
    """Run one statement as the migration role (which owns the view tables)."""

    async def run() -> Any:
        conn = await asyncpg.connect(as_migrator(settings(db)).pg_dsn)
        try:
            if not args and ";" in statement:
                return await conn.execute(statement)  # a script of several statements
            return await conn.fetch(statement, *args)
        finally:
            await conn.close()

    return asyncio.run(run())


def test_a_query_with_the_commands_position_sees_the_command(
    fresh_db: Callable[[str], str],
) -> None:
    with instances(fresh_db("views"), 1) as (client,):
        incident, position = report(client)
        assert incident in {r["id"] for r in listed(client, position)}


def test_a_position_the_views_do_not_reach_is_a_503_with_retry_after(
    fresh_db: Callable[[str], str],
) -> None:
    with instances(fresh_db("views"), 1) as (client,):
        _, position = report(client)
        store, notification = position.split(":")
        ahead = f"{store}:{int(notification) + 1000}"
        answer = client.get("/incidents", headers={**AUDITOR, MIN_POSITION_HEADER: ahead})
    assert answer.status_code == 503
    assert answer.headers["Retry-After"] == "1"
    assert answer.json()["detail"]["rule"] == "view-behind"


def test_two_instances_on_one_database_answer_alike(fresh_db: Callable[[str], str]) -> None:
    with instances(fresh_db("views"), 2) as (one, two):
        made = [report(one), report(two), report(one)]
        last = max(made, key=lambda m: int(m[1].split(":")[1]))[1]
        assert listed(one, last) == listed(two, last)
        assert {r["id"] for r in listed(two, last)} == {m[0] for m in made}


def test_a_restart_folds_nothing_before_its_stored_position(
    fresh_db: Callable[[str], str],
) -> None:
    db = fresh_db("views")
    with instances(db, 1) as (client,):
        before, position = report(client)
        listed(client, position)
    # Take the row out behind the view's back: a restart that folded history would put it back.
    sql(db, "DELETE FROM view_incident_cases WHERE id = $1", before)
    with instances(db, 1) as (client,):
        after, position = report(client)
        ids = {r["id"] for r in listed(client, position)}
    assert after in ids and before not in ids
    stored = sql(db, "SELECT position FROM ssp_view_position WHERE view = 'incidents.cases'")
    assert stored[0]["position"] >= int(position.split(":")[1])


def test_the_disclosure_register_keeps_personal_fields_only_encrypted(
    fresh_db: Callable[[str], str],
) -> None:
    db = fresh_db("views")
    own = ServiceSettings.for_service(
        "disclosure", db_name=db, relay_enabled=False, projections_enabled=False
    )
    with TestClient(disclosure_app(own)) as client:
        answer = client.post("/requests", json=ROUTINE, headers=OFFICER)
        assert answer.status_code == 201, answer.text
        read = client.get(
            "/register",
            params={"borough": BOROUGH},
            headers={**DO, MIN_POSITION_HEADER: answer.headers[POSITION_HEADER]},
        )
    # The register shows the request as written...
    [entry] = read.json()
    assert (entry["purpose"], entry["requesting_officer"]) == (
        ROUTINE["purpose"],
        ROUTINE["requesting_officer"],
    )
    # ...from a table that holds its free text and names only as ciphertext.
    [row] = sql(
        db, "SELECT data::text AS text, data ? 'sealed' AS sealed FROM view_disclosure_register"
    )
    assert row["sealed"]
    assert ROUTINE["purpose"] not in row["text"] and "A. Officer" not in row["text"]


def test_staffing_reads_its_index_at_the_head_of_its_log(fresh_db: Callable[[str], str]) -> None:
    db = fresh_db("views")
    own = ServiceSettings.for_service(
        "staffing", db_name=db, relay_enabled=False, projections_enabled=False
    )
    sgt = bearer("borough_supervisor", "sgt-views", borough="Hackney")
    with ExitStack() as stack:
        one, two = (stack.enter_context(TestClient(staffing_app(own))) for _ in range(2))
        for n, client in enumerate((one, two, one)):
            body = {**school(f"S-VIEW-{n}"), "name": "View school"}
            assert client.post("/schools", json=body, headers=sgt).status_code == 201
        # Commands and listings read the index once it has every event stored before them,
        # so the other instance lists all three without being sent a position.
        listed = two.get("/schools", params={"borough": "Hackney"}, headers=sgt)
        assert [s["school_id"] for s in listed.json()] == ["S-VIEW-0", "S-VIEW-1", "S-VIEW-2"]
        # A page of two, then the rest from its cursor (keyset on the index's id, in SQL)
        first = two.get("/schools", params={"borough": "Hackney", "limit": 2}, headers=sgt)
        cursor = first.headers["SSP-Next-Cursor"]
        rest = one.get("/schools", params={"borough": "Hackney", "cursor": cursor}, headers=sgt)
        assert [s["school_id"] for s in first.json() + rest.json()] == [
            "S-VIEW-0", "S-VIEW-1", "S-VIEW-2"
        ]  # fmt: skip
        assert "SSP-Next-Cursor" not in rest.headers
        again = one.post("/schools", json=school("S-VIEW-1"), headers=sgt)
        assert (again.status_code, again.json()["detail"]["rule"]) == (409, "school-unique")


def test_a_searchs_exact_place_is_kept_only_encrypted(fresh_db: Callable[[str], str]) -> None:
    db = fresh_db("views")
    # The officer's deployment, as the deployments projection would have stored it.
    today = london_day(SystemClock().now())
    sql(db, DEPLOYMENTS_DDL)
    sql(
        db,
        "INSERT INTO officer_deployments (deployment_id, officer_id, borough, school_ids,"
        " start_date, tenure_end, ended_on, rank)"
        " VALUES ('d-views', $1, 'Hackney', $2, $3, $4, NULL, 'constable')",
        OFFICER_ID,
        [SCHOOL],
        today - timedelta(days=30),
        today + timedelta(days=300),
    )
    officer = bearer("school_officer", OFFICER_ID, school=SCHOOL)
    with instances(db, 1) as (client,):
        made = client.post("/searches", json=search_body(), headers=officer)
        assert made.status_code == 201, made.text
        wait = {MIN_POSITION_HEADER: made.headers[POSITION_HEADER]}
        [listed] = client.get("/searches", headers={**AUDITOR, **wait}).json()
    assert (listed["latitude"], listed["longitude"]) == (51.58731, -0.01942)
    [row] = sql(db, "SELECT data::text AS text FROM view_incident_cases WHERE kind = 'search'")
    assert "51.58731" not in row["text"] and '"sealed"' in row["text"]
