"""Evidence chain of custody: every transfer names who, to whom and when."""

from uuid import UUID

import pytest
from fastapi.testclient import TestClient
from ssp_contracts.events.incidents import EvidenceTransfer

from services.incidents.api.context import ALIASES
from services.incidents.application import IncidentsApplication
from services.incidents.domain.search import SearchFacts
from services.incidents.tests.conftest import (
    OFFICER,
    actor,
    at,
    incident_body,
    now,
    officer_headers,
    report,
    staff_headers,
)
from services.incidents.tests.stories import search_facts
from services.runtime.domain import RuleViolation, StateConflict
from services.runtime.record_keys import reveal_record

STAFF = actor("school_staff", "staff-1")


@pytest.fixture
def given_item_in_staff_care(app: IncidentsApplication, given_serious_incident: UUID) -> UUID:
    """A bag of cannabis a teacher seized at 11:00."""
    return app.seize_evidence(
        incident_id=given_serious_incident,
        kind="drugs",
        description="Small bag of herbal material",
        seized_at=at(1, 11),
        justification=None,
        now=now(),
        actor=STAFF,
    )


def move(
    app: IncidentsApplication, item: UUID, transfer: EvidenceTransfer, to: str, hour: int
) -> None:
    who = STAFF if transfer == "handed_to_officer" else actor()
    app.transfer_evidence(
        item,
        transfer=transfer,
        to_id=to,
        transferred_at=at(1, hour),
        now=now(),
        actor=who,
    )


def test_staff_seizure_starts_in_initial_care_of_staff(
    app: IncidentsApplication, given_item_in_staff_care: UUID
) -> None:
    item = app.get_evidence(given_item_in_staff_care)
    assert (item.holder, item.holder_id) == ("school_staff", "staff-1")


def test_the_full_chain_staff_officer_store_destroyed(
    app: IncidentsApplication, given_item_in_staff_care: UUID
) -> None:
    move(app, given_item_in_staff_care, "handed_to_officer", "officer-001", 12)
    move(app, given_item_in_staff_care, "booked_in", "PROP-2026-0042", 14)
    move(app, given_item_in_staff_care, "destroyed", "PROP-2026-0042", 15)
    item = app.get_evidence(given_item_in_staff_care)
    # A disposal's reference is kept under the item's record key (runtime/record_keys.py).
    opened = reveal_record(app.subjects, {"custody": item.custody}, ALIASES)["custody"]
    assert [(c["transfer"], c["from"], c["to"]) for c in opened] == [
        ("handed_to_officer", "staff-1", "officer-001"),
        ("booked_in", "officer-001", "PROP-2026-0042"),
        ("destroyed", "PROP-2026-0042", "PROP-2026-0042"),
    ]
    assert item.holder == "destroyed"


def test_handing_over_twice_is_refused(
    app: IncidentsApplication, given_item_in_staff_care: UUID
) -> None:
    move(app, given_item_in_staff_care, "handed_to_officer", "officer-001", 12)
    with pytest.raises(StateConflict) as refused:
        move(app, given_item_in_staff_care, "handed_to_officer", "officer-002", 13)
    assert refused.value.rule == "custody-chain"
    assert "already with the officer" in refused.value.message
    assert app.get_evidence(given_item_in_staff_care).holder_id == "officer-001"


@pytest.mark.parametrize("transfer", ["booked_in", "returned", "destroyed"])
def test_disposing_of_an_item_police_never_received_is_refused(
    app: IncidentsApplication, given_item_in_staff_care: UUID, transfer: EvidenceTransfer
) -> None:
    with pytest.raises(StateConflict) as refused:
        move(app, given_item_in_staff_care, transfer, "PROP-1", 12)
    assert "never received" in refused.value.message


def test_an_item_cannot_be_destroyed_before_it_is_booked_in(
    app: IncidentsApplication, given_item_in_staff_care: UUID
) -> None:
    move(app, given_item_in_staff_care, "handed_to_officer", "officer-001", 12)
    with pytest.raises(StateConflict):
        move(app, given_item_in_staff_care, "destroyed", "PROP-1", 13)


def test_a_transfer_cannot_precede_the_last_move(
    app: IncidentsApplication, given_item_in_staff_care: UUID
) -> None:
    move(app, given_item_in_staff_care, "handed_to_officer", "officer-001", 12)
    with pytest.raises(RuleViolation) as refused:
        move(app, given_item_in_staff_care, "booked_in", "PROP-1", 11)
    assert refused.value.rule == "chronology"


def test_the_officer_seizing_holds_the_item_and_the_incident_records_the_step(
    app: IncidentsApplication, given_serious_incident: UUID
) -> None:
    item_id = app.seize_evidence(
        incident_id=given_serious_incident,
        kind="weapon",
        description="Lock knife",
        seized_at=at(1, 11),
        justification=None,
        now=now(),
        actor=actor(),
    )
    assert app.get_evidence(item_id).holder == "officer"
    actions = app.get_incident(given_serious_incident).police_actions
    assert [a["action"] for a in actions] == ["evidence_gathered"]


@pytest.mark.parametrize("held", ["officer", "police_property_store"])
def test_drugs_are_never_returned_to_the_owner(
    app: IncidentsApplication, given_item_in_staff_care: UUID, held: str
) -> None:
    """Source (Appendix 2): "The SSPO will receive evidential material seized by school staff
    and deal with it in accordance with MPS guidelines": controlled drugs and offensive
    weapons are not handed back to whoever had them."""
    move(app, given_item_in_staff_care, "handed_to_officer", "officer-001", 12)
    if held == "police_property_store":
        move(app, given_item_in_staff_care, "booked_in", "PROP-1", 13)
    with pytest.raises(RuleViolation) as refused:
        move(app, given_item_in_staff_care, "returned", "owner", 14)
    assert (refused.value.rule, refused.value.field) == ("evidence-not-returnable", "transfer")
    assert app.get_evidence(given_item_in_staff_care).holder == held


def test_a_phone_may_go_back_to_its_owner(
    app: IncidentsApplication, given_serious_incident: UUID
) -> None:
    item_id = app.seize_evidence(
        incident_id=given_serious_incident, kind="electronic_device", description="Phone",
        seized_at=at(1, 11), justification=None, now=now(), actor=actor(),
    )  # fmt: skip
    move(app, item_id, "returned", "owner", 12)
    assert app.get_evidence(item_id).holder == "owner"


def test_an_item_links_to_the_search_that_found_it(
    app: IncidentsApplication, given_serious_incident: UUID
) -> None:
    facts = SearchFacts(
        **search_facts(incident_id=str(given_serious_incident)), officer_id="officer-001"
    )
    search = app.record_search(facts, now=now(), actor=actor())
    item_id = app.seize_evidence(
        incident_id=given_serious_incident, kind="weapon", description="Lock knife",
        seized_at=at(1, 11), justification=None, now=now(), actor=actor(), search_id=search,
    )  # fmt: skip
    assert app.get_evidence(item_id).search_id == str(search)
    other = report(app, category="robbery")
    with pytest.raises(RuleViolation) as refused:
        app.seize_evidence(
            incident_id=other, kind="weapon", description="Lock knife", seized_at=at(1, 11),
            justification=None, now=now(), actor=actor(), search_id=search,
        )  # fmt: skip
    assert (refused.value.rule, refused.value.field) == ("same-incident", "search_id")


def test_the_ageing_list_shows_items_until_booked_in(client: TestClient) -> None:
    """Staff hand an item to the officer within a school day; the officer books it in within
    24 hours; until then it is on the outstanding list, oldest first, flagged when overdue."""
    incident = client.post(
        "/incidents", json=incident_body(category="robbery"), headers=officer_headers()
    ).json()["id"]
    seized = {"incident_id": incident, "kind": "weapon", "description": "Knife",
              "seized_at": at(2, 11).isoformat()}  # fmt: skip
    item = client.post("/evidence", json=seized, headers=staff_headers()).json()["id"]
    ageing = client.get("/outstanding", headers=officer_headers()).json()["evidence_not_booked_in"]
    assert [(r["id"], r["holder"], r["overdue"]) for r in ageing] == [(item, "school_staff", True)]
    handover = {"officer_id": OFFICER, "handed_at": at(0, 9).isoformat()}
    client.post(f"/evidence/{item}/handover", json=handover, headers=staff_headers())
    ageing = client.get("/outstanding", headers=officer_headers()).json()["evidence_not_booked_in"]
    assert [(r["holder"], r["overdue"]) for r in ageing] == [("officer", False)]
    read = client.get(f"/evidence/{item}?purpose=investigation", headers=officer_headers())
    assert read.json()["due_by"]
    booked = {"transfer": "booked_in", "reference": "PROP-1", "at": at(0, 10).isoformat()}
    client.post(f"/evidence/{item}/disposal", json=booked, headers=officer_headers())
    assert (
        client.get("/outstanding", headers=officer_headers()).json()["evidence_not_booked_in"] == []
    )
