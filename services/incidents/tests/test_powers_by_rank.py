"""Powers by rank: a PCSO neither records a police search nor makes an arrest.

Source (Appendix 2): "The SSPO may search pupils in the execution of their statutory duty.
The SSPO may assist staff to search pupils. Where the SSPO searches a pupil a record of the
search will be made on MPS Form 5090". The statutory duty is a constable's: a police
community support officer holds no PACE search power and no power of arrest, so the rank
staffing publishes decides. A PCSO may still assist staff with their search.
"""

from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from services.incidents.tests.conftest import (
    SCHOOL,
    at,
    deployed,
    in_memory_deployments,
    incident_body,
    officer_headers,
)
from services.incidents.tests.stories import search_body
from services.runtime.testing import bearer

PCSO = "pcso-007"


def pcso(client: TestClient) -> dict[str, str]:
    assert isinstance(client.app, FastAPI)
    in_memory_deployments(client.app).apply(deployed(PCSO, rank="pcso"))
    return dict(bearer("school_officer", PCSO, school=SCHOOL))


def search(**overrides: Any) -> dict[str, Any]:
    return search_body(searched_at=at(1, 11), **overrides)


def test_a_pcso_cannot_record_a_police_search(client: TestClient) -> None:
    refused = client.post("/searches", json=search(), headers=pcso(client))
    assert (refused.status_code, refused.json()["detail"]["rule"]) == (403, "pcso-powers")


def test_a_pcso_may_record_a_search_by_staff_they_assisted(client: TestClient) -> None:
    body = search(searched_by="school_staff")
    assert client.post("/searches", json=body, headers=pcso(client)).status_code == 201


def test_a_pcso_cannot_arrest_but_a_constable_can(client: TestClient) -> None:
    headers = pcso(client)
    incident = client.post(
        "/incidents", json=incident_body(category="robbery"), headers=officer_headers()
    ).json()["id"]
    arrest = {"incident_id": incident, "pupil_ref": "pupil-0123456789ab",
              "arrested_at": at(0, 9).isoformat(), "on_premises": False}  # fmt: skip
    refused = client.post("/arrests", json=arrest, headers=headers)
    assert (refused.status_code, refused.json()["detail"]["rule"]) == (403, "pcso-powers")
    assert client.post("/arrests", json=arrest, headers=officer_headers()).status_code == 201


@pytest.mark.parametrize("path", ["/searches", "/arrests"])
def test_an_unknown_rank_fails_closed(client: TestClient, path: str) -> None:
    assert isinstance(client.app, FastAPI)
    unranked = deployed("officer-009").model_copy(update={"rank": None})
    in_memory_deployments(client.app).apply(unranked)
    headers = dict(bearer("school_officer", "officer-009", school=SCHOOL))
    incident = client.post("/incidents", json=incident_body(), headers=headers).json()["id"]
    body = (
        search()
        if path == "/searches"
        else {"incident_id": incident, "pupil_ref": "pupil-0123456789ab",
              "arrested_at": at(0, 9).isoformat(), "on_premises": False}
    )  # fmt: skip
    refused = client.post(path, json=body, headers=headers)
    assert (refused.status_code, refused.json()["detail"]["rule"]) == (403, "rank-unknown")
