"""The register of disclosures: a table folded from the service's own notification log.

The runtime's view runner keeps ``view_disclosure_register`` (one row per request or planning
exchange, as the record stood after its latest event) at a tracked position, so any instance
answers from indexed SQL. The fields that may name people (``SEALED``) are stored only
encrypted with the store's key and opened for the register's authorised endpoints.
"""

from datetime import date, datetime
from typing import Literal
from uuid import UUID

from eventsourcing.domain import Aggregate
from pydantic import BaseModel, Field

from services.disclosure.domain import DisclosureRequest, InformationExchange
from services.runtime.dispatch import Handlers, event_classes
from services.runtime.paging import PageRows
from services.runtime.views_pg import LogView, MemoryView, PostgresView, Rows, ViewFold, Where

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
    data_controller: str | None = Field(default=None, description="school or police")
    direction: str | None = None
    isa_ref: str | None = Field(default=None, description="Information-sharing agreement")
    special_category: bool | None = None
    onward_use: list[str] = []
    retain_until: date | None = Field(default=None, description="Recipient deletes it by then")
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
    content["onward_use"] = content["onward_use"] or []
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


# Free text and names of people: encrypted in the table (the contracts leave them out too).
SEALED = frozenset(
    {
        "requesting_officer", "purpose", "necessity", "reasoning", "withheld_reason",
        "information_shared", "recipient", "topic",
    }
)  # fmt: skip

FOLDS: Handlers[ViewFold] = Handlers()

REGISTER = LogView(
    name="disclosure.register",
    table="view_disclosure_register",
    columns=(("borough", "text NOT NULL"), ("recorded_at", "timestamptz NOT NULL")),
    indexes=(("borough", "recorded_at"),),
    handlers=FOLDS,
    order="recorded_at",
    sealed=SEALED,
)


def stored_event_classes(*aggregates: type) -> set[type]:
    """Every event class the aggregates' events may be stored as: a step's event keeps the
    class of the mixin that declares it (``DecisionSteps.Decided``), not the aggregate's."""
    return {
        c
        for aggregate in aggregates
        for k in aggregate.__mro__
        if isinstance(k, type) and issubclass(k, Aggregate) and k is not Aggregate
        for c in event_classes(k)
    }


# A row is the record as it stood after the event (read at the event's version).
@FOLDS.on(*stored_event_classes(DisclosureRequest, InformationExchange))
def _record(rows: Rows, e: object) -> None:
    record_id = getattr(e, "originator_id")  # noqa: B009 - on every stored event
    record = rows.app.repository.get(record_id, version=getattr(e, "originator_version"))  # noqa: B009
    if isinstance(record, DisclosureRequest):
        entry = entry_of_request(record)
    elif isinstance(record, InformationExchange):
        entry = entry_of_exchange(record)
    else:
        return
    rows.put(record_id, **entry.model_dump())


class Register:
    """The register's rows as entries (read by the queue, the register and its export)."""

    def __init__(self, view: PostgresView | MemoryView) -> None:
        self.view = view

    async def of_borough(self, borough: str) -> list[RegisterEntry]:
        """The borough's records, oldest first."""
        return await self.select(Where(equal={"borough": borough}))

    async def select(self, where: Where) -> PageRows[RegisterEntry]:
        """The records ``where`` selects (a page of them, if it is bounded), oldest first."""
        rows = await self.view.select(where)
        entries: PageRows[RegisterEntry] = PageRows(RegisterEntry.model_validate(r) for r in rows)
        entries.next_after = getattr(rows, "next_after", None)
        return entries
