"""Reporting shows the partnership protocols whose annual review is overdue.

Source, Appendix 2, Other Issues: "A review of the SSPO Partnership will take place at the end
of each year."
"""

from datetime import date

import asyncpg
import pytest
from fastapi.testclient import TestClient
from ssp_contracts import EventPayload
from ssp_contracts.events import staffing as s

from services.reporting.tests.builders import received
from services.reporting.views import all_projections, apply_events
from services.runtime.paging import NEXT_HEADER
from services.runtime.testing import bearer, refusal_rule

pytestmark = pytest.mark.stack
HACKNEY = bearer("borough_supervisor", "sergeant-h", borough="Hackney")


@pytest.fixture
async def given_three_protocols(read_models: asyncpg.Connection, api: TestClient) -> TestClient:
    events: list[EventPayload] = [
        s.ProtocolSigned(
            school_id=school, borough=borough, signed_on=date(2024, 9, 2),
            review_due=date(2025, 9, 2), version=1,
        )
        for school, borough in (("S1", "Hackney"), ("S2", "Hackney"), ("C1", "Camden"))
    ]  # fmt: skip
    events.append(
        s.PartnershipReviewed(
            school_id="S2", borough="Hackney", held_on=date(2025, 9, 1),
            next_review_due=date(2026, 9, 1), actions_agreed=2,
        )
    )  # fmt: skip
    async with read_models.transaction():
        await apply_events(read_models, all_projections(), [received(e) for e in events])
    return api


def test_a_supervisor_sees_their_boroughs_overdue_reviews(
    given_three_protocols: TestClient,
) -> None:
    answer = given_three_protocols.get(
        "/protocols/overdue", params={"on": "2025-10-02"}, headers=HACKNEY
    )
    assert answer.status_code == 200, answer.text
    assert [(r["school_id"], r["days_overdue"]) for r in answer.json()] == [("S1", 30)]
    refused = given_three_protocols.get(
        "/protocols/overdue", params={"borough": "Camden"}, headers=HACKNEY
    )
    assert (refused.status_code, refused.json()["detail"]["rule"]) == (403, "outside-scope")
    staff = bearer("school_staff", "staff-1", school="S1")
    denied = given_three_protocols.get("/protocols/overdue", headers=staff)
    assert (denied.status_code, denied.json()["detail"]["rule"]) == (403, "role-not-permitted")


def test_overdue_reviews_page_with_each_school_once(given_three_protocols: TestClient) -> None:
    auditor = bearer("auditor", "auditor-1")
    found, params = [], {"on": "2026-10-02", "limit": "1"}
    while True:
        page = given_three_protocols.get("/protocols/overdue", params=params, headers=auditor)
        assert page.status_code == 200, page.text
        found += [r["school_id"] for r in page.json()]
        if NEXT_HEADER not in page.headers:
            break
        params = {**params, "cursor": page.headers[NEXT_HEADER]}
    assert found == ["C1", "S1", "S2"]  # by the day each fell due, then school
    params = {"on": "2026-10-02", "limit": "2", "format": "csv"}
    as_csv = given_three_protocols.get("/protocols/overdue", params=params, headers=auditor)
    assert NEXT_HEADER in as_csv.headers and as_csv.text.count("\n") == 3  # header, 2 rows
    bad = given_three_protocols.get("/protocols/overdue", params={"cursor": "?"}, headers=auditor)
    assert (bad.status_code, refusal_rule(bad), bad.json()["detail"]["field"]) == (
        422, "invalid-cursor", "query.cursor",
    )  # fmt: skip
