"""The right of access (Data Protection Act 2018 s45): what one service holds about a reference.

Each service that holds personal details answers ``GET /subjects/{ref}/access`` for the data
protection officer with one document: every record about the reference as the service holds it,
with its history (so a rectified detail shows its original too). The read is itself a logged
consultation. ``ssp subject-access`` gathers the services' documents and renders them as one
JSON file and one HTML page ready to print to PDF, with the statutory due date.
"""

import calendar
from collections.abc import Iterator
from datetime import date, datetime
from typing import Annotated, Any
from uuid import UUID

from eventsourcing.application import Application
from eventsourcing.utils import get_topic
from fastapi import Path
from ssp_contracts.events.common import PersonRef

SubjectPath = Annotated[PersonRef, Path(description="Pseudonymous reference of the data subject")]
# The role that answers subjects' requests (scope.py: London-wide).
DPO = "data_protection_officer"


def due_by(received: date) -> date:
    """One month from receipt, the statutory period (DPA 2018 s54(2), "the applicable time
    period"): the same date next month, or that month's last day where it has none."""
    year, month = (
        (received.year + 1, 1) if received.month == 12 else (received.year, received.month + 1)
    )
    return date(year, month, min(received.day, calendar.monthrange(year, month)[1]))


def originators(app: Application, created: type, batch: int = 1000) -> Iterator[UUID]:
    """Ids of every record ``created`` (an aggregate's created-event class) began, in order."""
    position = 0
    topics = (get_topic(created),)
    while True:
        notes = app.recorder.select_notifications(position + 1, batch, topics=topics)
        for note in notes:
            yield UUID(str(note.originator_id))
            position = note.id
        if len(notes) < batch:
            return


def access_document(
    service: str, subject_ref: str, now: datetime, records: list[dict[str, Any]]
) -> dict[str, Any]:
    """One service's answer: who it is about, when it was made, and every record."""
    return {
        "service": service,
        "subject_ref": subject_ref,
        "generated_at": now,
        "records": records,
    }
