"""Evidence chain of custody: seized, handed to the officer, then police property rules."""

from datetime import datetime, timedelta
from uuid import UUID, uuid4

from eventsourcing.domain import Aggregate, event
from ssp_contracts.events.incidents import EvidenceKind, EvidenceTransfer, Holder

from services.incidents.domain.rules import check_not_before, check_not_future
from services.runtime.domain import Actor, RuleViolation, StateConflict

# transfer -> (holders it may start from, holder it ends with)
TRANSFERS: dict[EvidenceTransfer, tuple[frozenset[Holder], Holder]] = {
    "handed_to_officer": (frozenset({"school_staff"}), "officer"),
    "booked_in": (frozenset({"officer"}), "police_property_store"),
    "returned": (frozenset({"officer", "police_property_store"}), "owner"),
    "destroyed": (frozenset({"police_property_store"}), "destroyed"),
}
WHY_NOT: dict[Holder, str] = {
    "officer": "it is already with the officer",
    "police_property_store": "it is already booked in as police property",
    "owner": "it has been returned",
    "destroyed": "it has been destroyed",
    "school_staff": "police never received it; it is still in the initial care of school staff",
}

# Controlled drugs and offensive weapons are never lawfully handed back to whoever had them:
# they are booked in and destroyed (or kept for court).
NOT_RETURNABLE: frozenset[EvidenceKind] = frozenset({"drugs", "weapon"})
# "Staff will be responsible for the initial care of evidential material seized" and "the
# SSPO will receive" it: the protocol gives no hours, so these are the platform's defaults, a
# school day for the handover and the officer's tour of duty for the booking in.
HANDOVER_DUE = timedelta(days=1)
BOOKING_IN_DUE = timedelta(hours=24)


def booking_due(holder: Holder, since: datetime) -> datetime | None:
    """When an item held by ``holder`` since ``since`` must move on; None once booked in."""
    if holder == "school_staff":
        return since + HANDOVER_DUE
    if holder == "officer":
        return since + BOOKING_IN_DUE
    return None


class EvidenceItem(Aggregate):
    """One item of evidential material and every hand it passed through."""

    class Seized(Aggregate.Created):
        incident_id: str
        school_id: str
        kind: EvidenceKind
        description: str
        seized_at: datetime
        holder: Holder
        holder_id: str
        actor: Actor
        search_id: str | None = None  # the search that found it, if one did

    class Transferred(Aggregate.Event):
        incident_id: str
        school_id: str
        transfer: EvidenceTransfer
        from_holder: Holder
        from_id: str
        to_holder: Holder
        to_id: str
        transferred_at: datetime
        actor: Actor

    @event(Seized)
    def __init__(
        self,
        incident_id: str,
        school_id: str,
        kind: EvidenceKind,
        description: str,
        seized_at: datetime,
        holder: Holder,
        holder_id: str,
        actor: Actor,
        search_id: str | None = None,
    ) -> None:
        self.incident_id = incident_id
        self.search_id = search_id
        self.school_id = school_id
        self.kind = kind
        self.description = description
        self.seized_at = seized_at
        self.holder = holder
        self.holder_id = holder_id
        self.last_moved_at = seized_at
        self.custody: list[dict[str, object]] = []

    def transfer(
        self,
        transfer: EvidenceTransfer,
        to_id: str,
        transferred_at: datetime,
        now: datetime,
        actor: Actor,
    ) -> None:
        """Move the item along its chain of custody; impossible moves are refused."""
        to_holder = self.check_transfer(transfer)
        check_not_future(transferred_at, now, "transferred_at")
        check_not_before(transferred_at, self.last_moved_at, "transferred_at", "the last move")
        self._transferred(
            self.incident_id,
            self.school_id,
            transfer,
            self.holder,
            self.holder_id,
            to_holder,
            to_id,
            transferred_at,
            actor,
        )

    def check_transfer(self, transfer: EvidenceTransfer) -> Holder:
        """The holder after ``transfer``; StateConflict when the item cannot make that move."""
        starts, ends = TRANSFERS[transfer]
        if self.holder not in starts:
            raise StateConflict(
                "custody-chain",
                f"the item cannot be {transfer.replace('_', ' ')}: {WHY_NOT[self.holder]}",
                "transfer",
            )
        if transfer == "returned" and self.kind in NOT_RETURNABLE:
            raise RuleViolation(
                "evidence-not-returnable",
                f"{self.kind} are never returned to the owner: book the item in, then destroy it",
                "transfer",
            )
        return ends

    @event(Transferred)
    def _transferred(
        self,
        incident_id: str,
        school_id: str,
        transfer: EvidenceTransfer,
        from_holder: Holder,
        from_id: str,
        to_holder: Holder,
        to_id: str,
        transferred_at: datetime,
        actor: Actor,
    ) -> None:
        self.custody.append(
            {"transfer": transfer, "from": from_id, "to": to_id, "at": transferred_at}
        )
        self.holder = to_holder
        self.holder_id = to_id
        self.last_moved_at = transferred_at


def seize(
    *,
    now: datetime,
    incident_id: str,
    school_id: str,
    kind: EvidenceKind,
    description: str,
    seized_at: datetime,
    holder: Holder,
    holder_id: str,
    actor: Actor,
    search_id: str | None = None,
    id: UUID | None = None,
) -> EvidenceItem:
    """A newly seized item; its first holder is whoever seized it. ``id``: the id its
    description was sealed for (record_keys), else a new one."""
    check_not_future(seized_at, now, "seized_at")
    return EvidenceItem._create(
        EvidenceItem.Seized, id=id or uuid4(), incident_id=incident_id, school_id=school_id,
        kind=kind, description=description, seized_at=seized_at, holder=holder,
        holder_id=holder_id, actor=actor, search_id=search_id,
    )  # fmt: skip
