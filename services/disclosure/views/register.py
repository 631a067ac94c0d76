"""The register of disclosures: a read model kept in the process, fed by the event store.

It follows the service's own notification log (the same log the outbox relay reads), so
every replica sees every request, and a restart rebuilds it from the store. Rows hold
personal details and are served only through the register's authorised endpoints.
"""

from datetime import date, datetime
from typing import Literal
from uuid import UUID

from pydantic import BaseModel, Field

from services.disclosure.application import DisclosureApplication
from services.disclosure.domain import DisclosureRequest, InformationExchange
from services.runtime.dispatch import Handlers, event_classes
from services.runtime.follower import Fold, LogFollower

RecordKind = Literal["s115_request", "planning_exchange"]


class RegisterEntry(BaseModel):
    """One record of the register: a Section 115 request or a planning exchange."""

    kind: RecordKind
    id: UUID
    school_id: str
    borough: str
    status: str = Field(description="submitted, decided, released or closed; logged")
    recorded_at: datetime = Field(description="Submitted (request) or logged (exchange)")
    recorded_by: str = Field(description="Actor id of the requester or of who logged it")
    subject_ref: str | None = None
    requesting_body: str | None = None
    requesting_officer: str | None = None
    urgency: str | None = None
    urgent_reason: str | None = None
    categories: list[str] = []
    purpose: str | None = None
    necessity: str | None = None
    lawful_basis: str | None = None
    missing_fields: list[str] = []
    written_at: datetime | None = None
    confirmation_due: datetime | None = None
    decision_due: datetime | None = None
    countersignature_required: bool = False
    countersigned_by: str | None = Field(
        default=None, description="Head teacher, if validly signed"
    )
    decision_id: str | None = None
    outcome: str | None = None
    reasoning: str | None = None
    withheld_categories: list[str] = []
    withheld_reason: str | None = None
    decided_at: datetime | None = None
    decided_by: str | None = Field(default=None, description="Disclosure officer who authorised it")
    corrects: str | None = Field(default=None, description="Decision this one corrected")
    categories_shared: list[str] = []
    information_shared: str | None = None
    recipient_body: str | None = None
    recipient: str | None = None
    means: str | None = None
    released_at: datetime | None = None
    released_by: str | None = None
    closed_at: datetime | None = None
    retention_review_on: date | None = None
    topic: str | None = Field(default=None, description="Topic of a planning exchange")
    exchanged_on: date | None = None
    personal_knowledge: bool | None = Field(
        default=None, description="A planning exchange based on personal knowledge"
    )

    def deadline_breached(self, now: datetime) -> bool:
        """Decided after the deadline, or still undecided once it passed."""
        if self.decision_due is None:
            return False
        return (self.decided_at or now) > self.decision_due

    def confirmation_overdue(self, now: datetime) -> bool:
        """An urgent request still not in writing after its confirmation window."""
        return (
            self.written_at is None
            and self.confirmation_due is not None
            and now > self.confirmation_due
        )


def entry_of_request(r: DisclosureRequest) -> RegisterEntry:
    """The register row of a request as it stands."""
    decision, release = r.decision or {}, r.release_record or {}
    signature = r.signature if r.signature_valid else None
    content = {k: v for k, v in r.content().items() if k not in ("school_id", "borough")}
    content["categories"] = content["categories"] or []
    return RegisterEntry(
        kind="s115_request",
        id=r.id,
        school_id=r.school_id,
        borough=r.borough,
        status=r.status,
        recorded_at=r.submitted_at,
        recorded_by=r.requested_by,
        **content,
        missing_fields=r.missing_fields,
        written_at=r.written_at,
        confirmation_due=r.confirmation_due,
        decision_due=r.decision_due,
        countersignature_required=r.countersignature_required,
        countersigned_by=signature["by"] if signature else None,
        **{k: v for k, v in decision.items() if k != "correction_reason"},
        **release,
        closed_at=r.closed_at,
        retention_review_on=r.retention_review_on,
    )


def entry_of_exchange(x: InformationExchange) -> RegisterEntry:
    """The register row of a planning exchange."""
    return RegisterEntry(
        kind="planning_exchange",
        id=x.id,
        school_id=x.school_id,
        borough=x.borough,
        status="logged",
        recorded_at=x.recorded_at,
        recorded_by=x.logged_by,
        recipient_body=x.partner_body,
        recipient=x.partner,
        topic=x.topic,
        exchanged_on=x.exchanged_on,
        personal_knowledge=x.personal_knowledge,
    )


class Register:
    """Every record of the service, by id, caught up with the event store on each read."""

    def __init__(self, app: DisclosureApplication, batch: int = 500) -> None:
        self.app = app
        self.entries: dict[UUID, RegisterEntry] = {}
        self.touched: set[UUID] = set()
        self.follower = LogFollower(app, self, FOLDS, batch)

    def catch_up(self) -> None:
        """Re-read the records whose events arrived since the last read."""
        with self.follower.lock:
            self.follower.catch_up()
            for record_id in self.touched:
                record: object = self.app.repository.get(record_id)
                if isinstance(record, DisclosureRequest):
                    self.entries[record_id] = entry_of_request(record)
                elif isinstance(record, InformationExchange):
                    self.entries[record_id] = entry_of_exchange(record)
            self.touched.clear()

    def of_borough(self, borough: str) -> list[RegisterEntry]:
        """The borough's records, oldest first."""
        self.catch_up()
        rows = [e for e in self.entries.values() if e.borough == borough]
        return sorted(rows, key=lambda e: (e.recorded_at, str(e.id)))


# A row is the record as it stands, so any event of a record re-reads it once per catch-up.
FOLDS: Handlers[Fold] = Handlers()
FOLDS.on(*event_classes(DisclosureRequest), *event_classes(InformationExchange))(
    lambda register, e: register.touched.add(UUID(str(e.originator_id)))
)
