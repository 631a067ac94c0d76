"""Evidence chain of custody: every transfer names who, to whom and when."""

from uuid import UUID

import pytest
from ssp_contracts.events.incidents import EvidenceTransfer

from services.incidents.application import IncidentsApplication
from services.incidents.tests.conftest import actor, at, now
from services.runtime.domain import RuleViolation, StateConflict

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
    assert [(c["transfer"], c["from"], c["to"]) for c in item.custody] == [
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
