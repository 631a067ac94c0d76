"""Actors on Kafka are pseudonyms; an auditor may have incidents resolve one, and it is audited."""

from fastapi.testclient import TestClient

from services.incidents.api.context import IncidentsContext
from services.incidents.tests.conftest import OFFICER, incident_body, officer_headers
from services.incidents.translation import translator
from services.runtime.actors_api import ActorResolution
from services.runtime.endpoint import context_of
from services.runtime.testing import bearer

AUDITOR = dict(bearer("auditor", "auditor-7"))
WHY = {"purpose": "complaint", "reason": "Complaint by a parent, ref C-19"}


def test_an_auditor_resolves_the_pseudonym_and_the_resolution_is_an_event(
    client: TestClient,
) -> None:
    # Given an incident the officer reported: on Kafka its actor is a pseudonym
    assert client.post("/incidents", json=incident_body(), headers=officer_headers()).is_success
    pseudonym = translator.pseudonyms.of(OFFICER)
    # When an auditor asks incidents who that is, and why
    answer = client.post(f"/actors/{pseudonym}/resolution", json=WHY, headers=AUDITOR)
    # Then the answer is the officer
    assert answer.status_code == 200, answer.text
    assert answer.json()["sub"] == OFFICER
    # And the resolution is recorded, published as incidents.actor_resolved without the reason
    app = context_of(client.app, IncidentsContext).application  # type: ignore[arg-type]
    record: object = app.repository.get(answer.json()["resolution_id"])
    assert isinstance(record, ActorResolution) and record.reason == WHY["reason"]
    event = translator.translate(next(iter(app.events.get(record.id))))
    assert event is not None and event.type == "uk.police.ssp.incidents.actor_resolved.v1"
    assert event.data["pseudonym"] == pseudonym and "C-19" not in str(event.data)
    assert event.actorid == translator.pseudonyms.of("auditor-7")


def test_only_an_auditor_may_resolve(client: TestClient) -> None:
    pseudonym = translator.pseudonyms.of(OFFICER)
    answer = client.post(f"/actors/{pseudonym}/resolution", json=WHY, headers=officer_headers())
    assert answer.status_code == 403
    assert answer.json()["detail"]["rule"] == "role-not-permitted"


def test_an_unknown_pseudonym_is_404_and_still_recorded(client: TestClient) -> None:
    answer = client.post(f"/actors/actor-{'0' * 32}/resolution", json=WHY, headers=AUDITOR)
    assert answer.status_code == 404
    assert answer.json()["detail"]["rule"] == "not-found"


def test_a_malformed_pseudonym_or_purpose_is_422_naming_it(client: TestClient) -> None:
    bad = client.post("/actors/officer-001/resolution", json=WHY, headers=AUDITOR)
    assert bad.status_code == 422
    assert bad.json()["detail"]["rule"] == "string-pattern-mismatch"
    assert bad.json()["detail"]["field"] == "path.pseudonym"
    pseudonym = translator.pseudonyms.of(OFFICER)
    why = {**WHY, "purpose": "curiosity"}
    bad = client.post(f"/actors/{pseudonym}/resolution", json=why, headers=AUDITOR)
    assert bad.status_code == 422
    assert bad.json()["detail"]["rule"] == "literal-error"
    assert bad.json()["detail"]["field"] == "purpose"
