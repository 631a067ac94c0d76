"""Consultation logging (Data Protection Act 2018 s62): every read of personal data is an event.

Section 62 asks a controller processing for law enforcement to log each consultation and
disclosure of personal data with its justification, date, time and, as far as possible, who
consulted it. Here a consultation is an aggregate of its own, saved in the store of the service
that holds the data before the data is answered (no log, no data), so the relay publishes it
like any other event and reporting's audit trail chains it. The event carries the actor (on
the envelope), the time, the purpose (a vocabulary value, required on every such read) and
what was read: a record id or a pseudonymous subject reference, never free text.
"""

from collections.abc import Callable
from datetime import datetime
from typing import Annotated, TypeVar
from uuid import UUID

from eventsourcing.domain import Aggregate, event
from fastapi import Query
from ssp_contracts.events.consultations import (
    ConsultationPurpose,
    ConsultedRecordKind,
    PersonalDataConsulted,
)

from services.runtime.domain import Actor, ServiceApplication
from services.runtime.sealed import is_sealed, published
from services.runtime.translation import Translator

P = TypeVar("P", bound=PersonalDataConsulted)

# The query parameter every read of personal data requires; without it the answer is 422
# naming ``query.purpose`` (FastAPI's "missing" rule), with a value outside the vocabulary
# 422 ``literal-error``.
Purpose = Annotated[
    ConsultationPurpose,
    Query(description="Why the caller reads this personal data (logged, DPA 2018 s62)"),
]


class Consultation(Aggregate):
    """One consultation of personal data: who, when, why and what."""

    class Recorded(Aggregate.Created):
        record_kind: ConsultedRecordKind
        record_id: str | None
        subject_ref: str | None
        school_id: str | None
        purpose: ConsultationPurpose
        restricted: bool
        records: int
        consulted_at: datetime
        actor: Actor

    @event(Recorded)
    def __init__(
        self,
        record_kind: ConsultedRecordKind,
        record_id: str | None,
        subject_ref: str | None,
        school_id: str | None,
        purpose: ConsultationPurpose,
        restricted: bool,
        records: int,
        consulted_at: datetime,
        actor: Actor,
    ) -> None:
        self.record_kind = record_kind
        self.record_id = record_id
        self.subject_ref = subject_ref
        self.school_id = school_id
        self.purpose = purpose
        self.restricted = restricted
        self.records = records
        self.consulted_at = consulted_at
        self.actor_id = actor.id


class ConsultationLog(ServiceApplication):
    """The command that logs a consultation, mixed into a service's application."""

    def record_consultation(
        self,
        *,
        actor: Actor,
        purpose: ConsultationPurpose,
        record_kind: ConsultedRecordKind,
        now: datetime,
        record_id: UUID | str | None = None,
        subject_ref: str | None = None,
        school_id: str | None = None,
        restricted: bool = False,
        records: int = 1,
    ) -> UUID:
        """Save the consultation's event (before the data is answered); return its id."""
        consultation = Consultation(
            record_kind=record_kind,
            record_id=None if record_id is None else str(record_id),
            subject_ref=self._pseudonym(subject_ref),
            school_id=school_id,
            purpose=purpose,
            restricted=restricted,
            records=records,
            consulted_at=now,
            actor=actor,
        )
        self.save(consultation)
        return consultation.id

    def _pseudonym(self, subject_ref: str | None) -> str | None:
        """The subject as the log (and Kafka) names it: its pseudonym, never the reference."""
        if subject_ref is None or is_sealed(subject_ref):
            return published(subject_ref)
        if self.subjects.table.by_pseudonym(subject_ref) is not None:
            return subject_ref  # already the pseudonym (as the views key subjects)
        return self.subjects.pseudonym(subject_ref)


def publish_consultations(translator: Translator, contract: type[P]) -> Callable[..., P]:
    """Map the service's consultation events to its ``contract`` on its own topic."""

    def consulted(e: Consultation.Recorded) -> P:
        return contract(
            consultation_id=str(e.originator_id),
            record_kind=e.record_kind,
            record_id=e.record_id,
            subject_ref=e.subject_ref,
            school_id=e.school_id,
            purpose=e.purpose,
            restricted=e.restricted,
            records=e.records,
            consulted_at=e.consulted_at,
        )

    # The translator finds a mapper's contract by its return annotation (AsyncAPI, checks).
    consulted.__annotations__["return"] = contract
    translator.maps(Consultation.Recorded)(consulted)
    return consulted
