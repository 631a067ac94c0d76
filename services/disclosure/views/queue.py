"""The disclosure officers' work queue: urgent first, with deadlines and what blocks each."""

from datetime import datetime
from typing import Literal
from uuid import UUID

from pydantic import BaseModel, Field

from services.disclosure.views.register import RegisterEntry

NextStep = Literal["await_countersignature", "decide", "release", "close"]


class QueueItem(BaseModel):
    """One open request and what it waits for."""

    id: UUID
    school_id: str
    borough: str
    urgency: str
    urgent_reason: str | None
    status: str
    submitted_at: datetime
    decision_due: datetime | None = Field(description="Deadline of an urgent request")
    deadline_breached: bool = Field(description="Decided late, or undecided past the deadline")
    confirmation_due: datetime | None
    confirmation_overdue: bool = Field(description="Urgent request not in writing in time")
    next_step: NextStep
    blockers: list[str] = Field(description="What must happen before the next step")


def next_step(e: RegisterEntry) -> tuple[NextStep, list[str]]:
    """The step the request waits for, and what still blocks it."""
    unsigned = e.countersignature_required and e.countersigned_by is None
    if e.outcome is None:
        if e.urgency == "routine" and unsigned:
            return "await_countersignature", ["countersignature by the head teacher"]
        return "decide", []
    if e.outcome != "refuse" and e.released_at is None:
        return "release", []
    blockers = []
    if e.written_at is None:
        blockers.append("written confirmation of the urgent request")
    if unsigned:
        blockers.append("countersignature by the head teacher")
    return "close", blockers


def item_of(e: RegisterEntry, now: datetime) -> QueueItem:
    """The queue item of an open request."""
    step, blockers = next_step(e)
    return QueueItem(
        id=e.id,
        school_id=e.school_id,
        borough=e.borough,
        urgency=e.urgency or "routine",
        urgent_reason=e.urgent_reason,
        status=e.status,
        submitted_at=e.recorded_at,
        decision_due=e.decision_due,
        deadline_breached=e.deadline_breached(now),
        confirmation_due=e.confirmation_due,
        confirmation_overdue=e.confirmation_overdue(now),
        next_step=step,
        blockers=blockers,
    )


def work_queue(entries: list[RegisterEntry], now: datetime) -> list[QueueItem]:
    """Open requests: urgent first, then by deadline, then oldest first."""
    # School-held data is the head teacher's to decide (domain/controller.py), not the queue's.
    open_requests = [
        e
        for e in entries
        if e.kind == "s115_request" and e.closed_at is None and e.data_controller != "school"
    ]
    items = [item_of(e, now) for e in open_requests]
    return sorted(
        items,
        key=lambda i: (
            i.urgency != "urgent",
            i.decision_due or datetime.max.replace(tzinfo=i.submitted_at.tzinfo),
            i.submitted_at,
        ),
    )


def overdue_confirmations(entries: list[RegisterEntry], now: datetime) -> list[QueueItem]:
    """Urgent requests whose written confirmation is overdue, most overdue first."""
    overdue = [e for e in entries if e.kind == "s115_request" and e.confirmation_overdue(now)]
    return sorted((item_of(e, now) for e in overdue), key=lambda i: i.confirmation_due or now)
