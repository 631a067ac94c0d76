"""An incident's free text is under the incident's own key: erasing any pupil it names shreds
it, while the other pupils' own details in the same record stay.

Free text "may name several people"; the right to erasure (DPA 2018 s47) of one of them must
take every sentence that may mention them, and nothing that is another person's.
"""

from datetime import timedelta
from typing import Any
from uuid import UUID

from fastapi.testclient import TestClient

from services.incidents.tests.conftest import (
    PUPIL,
    at,
    incident_body,
    officer_headers,
    report,
)
from services.incidents.tests.test_subject_erasure import application, dpo, supervisor
from services.runtime.record_keys import record_ref
from services.runtime.retention import RetentionSchedule, apply_retention
from services.runtime.sealed import ERASED, is_sealed, pseudonym_in

OTHER = "pupil-fedcba987654"
DESCRIPTION = "Jamie Example pushed another pupil into the fence by the bike sheds"
ITEM = "A phone Jamie Example dropped, with a cracked screen"
RETURNED_TO = "Returned to Jamie Example's mother at the front office"
WHY = {"purpose": "investigation"}


def recorded(client: TestClient) -> dict[str, str]:
    """An incident naming PUPIL and OTHER, and an item seized in it; their ids."""
    body = incident_body(description=DESCRIPTION, pupil_refs=[PUPIL, OTHER])
    answer = client.post("/incidents", json=body, headers=officer_headers())
    assert answer.status_code == 201, answer.text
    incident = answer.json()["id"]
    seized = {
        "incident_id": incident,
        "kind": "other",
        "description": ITEM,
        "seized_at": at(1, 11).isoformat(),
    }
    answer = client.post("/evidence", json=seized, headers=officer_headers())
    assert answer.status_code == 201, answer.text
    item = answer.json()["id"]
    back = {"transfer": "returned", "reference": RETURNED_TO, "at": at(1, 12).isoformat()}
    answer = client.post(f"/evidence/{item}/disposal", json=back, headers=officer_headers())
    assert answer.status_code == 200, answer.text
    return {"incident": incident, "evidence": item}


def shown(client: TestClient, ids: dict[str, str]) -> dict[str, Any]:
    """What a supervisor reads of the incident, its history and the item."""
    url = f"/incidents/{ids['incident']}"
    answers = {
        "incident": client.get(url, params=WHY, headers=supervisor()),
        "history": client.get(f"{url}/history", params=WHY, headers=supervisor()),
        "evidence": client.get(f"/evidence/{ids['evidence']}", params=WHY, headers=supervisor()),
    }
    for name, answer in answers.items():
        assert answer.status_code == 200, (name, answer.text)
    return {name: answer.json() for name, answer in answers.items()}


def test_the_text_is_sealed_under_the_record_and_erasure_of_one_pupil_shreds_it(
    client: TestClient,
) -> None:
    ids = recorded(client)
    app = application(client)
    incident = app.get_incident(UUID(ids["incident"]))
    record = app.subjects.table.by_ref(record_ref(ids["incident"]))
    assert record is not None and record.kind == "record"
    assert (
        is_sealed(incident.description) and pseudonym_in(incident.description) == record.pseudonym
    )
    assert DESCRIPTION not in str(list(app.events.get(incident.id)))
    before = shown(client, ids)
    assert before["incident"]["description"] == DESCRIPTION
    assert before["evidence"]["description"] == ITEM
    assert before["evidence"]["custody"][-1]["to"] == RETURNED_TO

    body = {"legal_basis": "dpa-2018-s47", "reason": "The pupil's request, checked by the DPO"}
    answer = client.post(f"/subjects/{PUPIL}/erasure", json=body, headers=dpo())
    assert answer.status_code == 201, answer.text
    assert answer.json()["record_keys"] == 2  # the incident's text and the item's

    after = shown(client, ids)
    assert after["incident"]["description"] == ERASED
    assert after["history"][0]["data"]["description"] == ERASED
    assert after["evidence"]["description"] == ERASED
    assert after["evidence"]["holder_id"] == after["evidence"]["custody"][-1]["to"] == ERASED
    assert after["incident"]["police_actions"][0]["justification"] is None
    # The other pupil's own sealed reference is theirs, not the record's: it stays.
    assert after["incident"]["pupil_refs"] == [ERASED, OTHER]
    assert DESCRIPTION not in str(after) and ITEM not in str(after)
    assert RETURNED_TO not in str(after)
    # Later text on the incident goes under a new key, linked to the pupils still named.
    assert app.records.linked(app.subjects.pseudonym(OTHER)) == []


def test_a_rectified_description_opens_in_the_history_and_goes_with_the_pupil(
    client: TestClient,
) -> None:
    ids = recorded(client)
    url = f"/incidents/{ids['incident']}"
    fix = {
        "field": "description",
        "value": "Jamie Example pushed a pupil",
        "reason": "The first account was too long",
    }
    assert client.post(f"{url}/rectification", json=fix, headers=dpo()).status_code == 200
    history = client.get(f"{url}/history", params=WHY, headers=supervisor()).json()
    assert history[-1]["data"]["value"] == fix["value"]
    body = {"legal_basis": "dpa-2018-s47", "reason": "The pupil's request, checked by the DPO"}
    assert client.post(f"/subjects/{OTHER}/erasure", json=body, headers=dpo()).status_code == 201
    history = client.get(f"{url}/history", params=WHY, headers=supervisor()).json()
    assert (history[-1]["data"]["value"], history[-1]["data"]["reason"]) == (ERASED, ERASED)
    again = client.post(f"{url}/rectification", json=fix, headers=dpo())
    assert (again.status_code, again.json()["detail"]["rule"]) == (409, "text-erased")


def test_a_record_key_is_shredded_when_its_record_expires(client: TestClient) -> None:
    app = application(client)
    incident_id = report(app, description=DESCRIPTION, pupil_refs=[])  # names no pupil
    expiry = RetentionSchedule().until("incident", at(1))
    assert apply_retention(app, expiry - timedelta(days=1)) == 0
    assert apply_retention(app, expiry) == 1
    description = app.get_incident(incident_id).description
    assert app.subjects.open(description, "description") == ERASED
