"""A pupil's details are sealed under their own key; erasure destroys it, history stays whole.

The law gives the subject the right to erasure where processing is no longer lawful or
necessary (DPA 2018 s47); the records of what the police did remain, without the person.
"""

from typing import Any
from uuid import UUID

import pytest
from fastapi.testclient import TestClient

from services.incidents.api.context import IncidentsContext
from services.incidents.application import IncidentsApplication
from services.incidents.tests.conftest import (
    PUPIL,
    at,
    incident_body,
    officer_headers,
)
from services.incidents.tests.stories import PERSON, search_body
from services.incidents.translation import translator
from services.runtime.endpoint import context_of
from services.runtime.sealed import ERASED, is_sealed
from services.runtime.testing import bearer

GROUNDS = "Two pupils reported seeing a knife in his bag at lunch"


def dpo() -> dict[str, str]:
    """Bearer of the data protection officer."""
    return dict(bearer("data_protection_officer", "dpo-1"))


def supervisor() -> dict[str, str]:
    """Bearer of a borough supervisor, who may read the person searched."""
    return dict(bearer("borough_supervisor", "sup-1", borough="Waltham Forest"))


def application(client: TestClient) -> IncidentsApplication:
    """The in-memory application behind ``client``."""
    app: IncidentsApplication = context_of(client.app, IncidentsContext).application  # type: ignore[arg-type]
    return app


def recorded(client: TestClient) -> dict[str, str]:
    """A search, an incident and an arrest of PUPIL, through the API; their ids."""
    ids = {}
    for kind, path, body in (
        ("search", "/searches", search_body()),
        ("incident", "/incidents", incident_body(category="robbery")),
    ):
        response = client.post(path, json=body, headers=officer_headers())
        assert response.status_code == 201, response.text
        ids[kind] = response.json()["id"]
    arrest = {
        "incident_id": ids["incident"],
        "pupil_ref": PUPIL,
        "arrested_at": at(0, 9).isoformat(),
        "on_premises": False,
    }
    response = client.post("/arrests", json=arrest, headers=officer_headers())
    assert response.status_code == 201, response.text
    ids["arrest"] = response.json()["id"]
    return ids


def stored_events(app: IncidentsApplication) -> list[Any]:
    """Every event of the store, oldest first, as the relay reads them."""
    return [app.mapper.to_domain_event(n) for n in app.recorder.select_notifications(1, 1000)]


def surfaces(client: TestClient, ids: dict[str, str]) -> str:
    """Every answer that shows the pupil's details, as one text."""
    paths = [
        f"/searches/{ids['search']}",
        f"/searches/{ids['search']}/person",
        f"/searches/{ids['search']}/history",
        "/searches",
        f"/incidents/{ids['incident']}",
        f"/incidents/{ids['incident']}/history",
        f"/arrests/{ids['arrest']}",
        f"/arrests/{ids['arrest']}/history",
    ]
    texts = []
    for path in paths:
        # Lists take no purpose; a record's read logs one.
        why = {} if path == "/searches" else {"purpose": "investigation"}
        response = client.get(path, params=why, headers=supervisor())
        assert response.status_code == 200, (path, response.text)
        texts.append(response.text)
    return "\n".join(texts)


def test_the_store_holds_only_sealed_details_and_kafka_only_pseudonyms(client: TestClient) -> None:
    ids = recorded(client)
    app = application(client)
    search = app.get_search(UUID(ids["search"]))
    for field in ("person", "grounds", "place_description", "pupil_ref"):
        assert is_sealed(getattr(search.facts, field)), field
    pseudonym = app.subjects.pseudonym(PUPIL)
    payloads: list[dict[str, Any]] = []
    for event in stored_events(app):
        cloud = translator.translate(event)
        if cloud is not None:
            payloads.append(cloud.data)
    text = str(payloads)
    assert PUPIL not in text and PERSON not in text
    assert pseudonym in text
    # The API, to a role allowed to read the person, shows the details in clear.
    shown = surfaces(client, ids)
    assert PERSON in shown and GROUNDS in shown and PUPIL in shown


def test_erasure_shows_erased_everywhere_and_events_still_translate(client: TestClient) -> None:
    ids = recorded(client)
    app = application(client)
    pseudonym = app.subjects.pseudonym(PUPIL)
    body = {"legal_basis": "dpa-2018-s47", "reason": "The subject's request, checked by DPO"}
    response = client.post(f"/subjects/{PUPIL}/erasure", json=body, headers=dpo())
    assert response.status_code == 201, response.text

    shown = surfaces(client, ids)
    assert PUPIL not in shown and PERSON not in shown and GROUNDS not in shown
    assert ERASED in shown
    person = client.get(
        f"/searches/{ids['search']}/person",
        params={"purpose": "investigation"},
        headers=supervisor(),
    ).json()
    assert person["person"] == ERASED and person["grounds"] == ERASED

    # Every stored event still translates, with the pseudonym recorded when it was written,
    # and the erasure itself is published (pseudonym and legal basis, never the reason).
    types = []
    for event in stored_events(app):
        cloud = translator.translate(event)
        if cloud is not None:
            types.append(cloud.type)
            assert "checked by DPO" not in str(cloud.data)
    assert "uk.police.ssp.incidents.subject_erased.v1" in types
    [erased] = [
        c
        for c in (translator.translate(e) for e in stored_events(app))
        if c is not None and c.type == "uk.police.ssp.incidents.subject_erased.v1"
    ]
    assert erased.data["pseudonym"] == pseudonym and erased.data["legal_basis"] == "dpa-2018-s47"
    # The pseudonym no longer leads back: a new record of the pupil gets a new one.
    assert app.subjects.pseudonym(PUPIL) != pseudonym


@pytest.mark.parametrize(
    "role", ["school_officer", "head_teacher", "borough_supervisor", "auditor", "analyst"]
)
def test_only_the_data_protection_officer_erases(client: TestClient, role: str) -> None:
    recorded(client)
    claims = {"school": "school-001"} if role == "head_teacher" else {}
    if role == "borough_supervisor":
        claims = {"borough": "Waltham Forest"}
    headers = dict(bearer(role, "officer-001" if role == "school_officer" else "x-1", **claims))
    body = {"legal_basis": "dpa-2018-s47", "reason": "asked"}
    response = client.post(f"/subjects/{PUPIL}/erasure", json=body, headers=headers)
    assert response.status_code == 403
    assert response.json()["detail"]["rule"] == "role-not-permitted"


def test_bad_erasure_requests_name_the_field(client: TestClient) -> None:
    recorded(client)
    cases = [
        (PUPIL, {"legal_basis": "because", "reason": "x"}, 422, "legal_basis"),
        (PUPIL, {"legal_basis": "dpa-2018-s47"}, 422, "reason"),
        ("Jordan Example", {"legal_basis": "dpa-2018-s47", "reason": "x"}, 422, "path.ref"),
        ("pupil-ffffffffffff", {"legal_basis": "dpa-2018-s47", "reason": "x"}, 404, None),
    ]
    for ref, body, status, field in cases:
        response = client.post(f"/subjects/{ref}/erasure", json=body, headers=dpo())
        assert response.status_code == status, (ref, response.text)
        if field is not None:
            assert response.json()["detail"]["field"] == field
    # Erased once: a second erasure of the same reference finds nothing to erase.
    ok = {"legal_basis": "uk-gdpr-article-17", "reason": "x"}
    assert client.post(f"/subjects/{PUPIL}/erasure", json=ok, headers=dpo()).status_code == 201
    assert client.post(f"/subjects/{PUPIL}/erasure", json=ok, headers=dpo()).status_code == 404
