"""What every step of a request reads: its written content and where it stands."""

from datetime import date, datetime
from typing import Any
from uuid import uuid4

from eventsourcing.domain import Aggregate
from ssp_contracts.events.disclosure import (
    DataController,
    InformationCategory,
    LawfulBasis,
    OnwardUse,
    RequestingBody,
    SharingDirection,
    Urgency,
    UrgentReason,
)

from services.disclosure.domain import proforma
from services.runtime.domain import StateConflict


class RequestState(Aggregate):
    """State of a request, assigned only by its events (request.py, decision.py, completion.py)."""

    requesting_body: RequestingBody
    requesting_officer: str | None
    subject_ref: str
    school_id: str
    borough: str
    categories: list[InformationCategory] | None
    purpose: str | None
    necessity: str | None
    lawful_basis: LawfulBasis | None
    urgency: Urgency
    urgent_reason: UrgentReason | None
    data_controller: DataController | None
    direction: SharingDirection | None
    isa_ref: str | None
    special_category: bool | None
    onward_use: list[OnwardUse] | None
    retain_until: date | None
    submitted_at: datetime
    decision_due: datetime | None
    confirmation_due: datetime | None
    requested_by: str
    written_at: datetime | None
    signature: dict[str, Any] | None
    decision: dict[str, Any] | None
    release_record: dict[str, Any] | None
    closed_at: datetime | None
    retention_review_on: date | None

    def content(self) -> dict[str, Any]:
        """The request as written: what a countersignature covers."""
        return {name: getattr(self, name) for name in proforma.CONTENT_FIELDS}

    @property
    def content_hash(self) -> str:
        """SHA-256 of the content as it reads now."""
        return proforma.content_hash(self.content())

    @property
    def missing_fields(self) -> list[str]:
        """Pro forma fields still missing."""
        return proforma.missing_fields(self.content())

    @property
    def countersignature_required(self) -> bool:
        """Every request: "The head teacher, as signatory to this protocol must sign the request
        for disclosure" (Appendix 2), whoever its subject is."""
        return True

    @property
    def signature_valid(self) -> bool:
        """Signed, and the request still reads as it did when signed."""
        return self.signature is not None and self.signature["content_hash"] == self.content_hash

    @property
    def status(self) -> str:
        """Where the request stands: submitted, decided, released or closed."""
        if self.closed_at is not None:
            return "closed"
        if self.release_record is not None:
            return "released"
        return "decided" if self.decision is not None else "submitted"

    def facts(self, **more: Any) -> dict[str, Any]:
        """What readers of the next event need about the request (carried on that event)."""
        decision, release = self.decision or {}, self.release_record or {}
        return {
            "school_id": self.school_id,
            "borough": self.borough,
            "urgency": self.urgency,
            "submitted_at": self.submitted_at,
            "decision_due": self.decision_due,
            "decision_id": decision.get("decision_id"),
            "outcome": decision.get("outcome"),
            "decided_at": decision.get("decided_at"),
            "released_at": release.get("released_at"),
            **more,
        }

    def check_not_closed(self) -> None:
        """A closed request is a record only."""
        if self.closed_at is not None:
            raise StateConflict("request-closed", "the request is closed; it is a record only")

    @staticmethod
    def new_decision_id() -> str:
        """Id of a decision, so that a correction can reference it."""
        return str(uuid4())
