"""Erasure of a data subject: the store records who erased whom and why, then destroys the key.

``POST /subjects/{ref}/erasure`` (role ``data_protection_officer``) on every service that holds
subjects. The erasure is an event of the store (``SubjectErasure.Recorded``: the pseudonym, the
legal basis, the officer's reason, the actor), published as ``<service>.subject_erased.v1``
with the pseudonym and legal basis only, so that the audit trail keeps it; then the subject's
row of the key table is deleted (``SubjectKeys.erase``), with every service's row of the
platform's subject registry, so the shared pseudonym leads to no one anywhere, and every
record key that names the subject (``record_keys``: free text that may mention them). The
event is saved first: if the deletion then fails, a retry finds the record already made
and only deletes.
"""

import contextlib
from datetime import datetime
from typing import Annotated, Any
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate, event
from eventsourcing.persistence import IntegrityError
from fastapi import Path, Request
from pydantic import BaseModel, Field
from ssp_contracts.events.erasure import LegalBasis, SubjectKind

from services.runtime.auth import Principal, allow
from services.runtime.domain import Actor, NotFound, ServiceApplication
from services.runtime.endpoint import Now, Recorded
from services.runtime.inputs import FreeText
from services.runtime.logs import correlation_id
from services.runtime.record_keys import RECORD_KIND
from services.runtime.routing import ServiceRouter, in_thread
from services.runtime.sealed import SUBJECT_REF
from services.runtime.translation import Translator


class SubjectErasure(Aggregate):
    """A data protection officer's erasure of one subject, with the reason and legal basis."""

    class Recorded(Aggregate.Created):
        pseudonym: str
        subject_kind: SubjectKind
        legal_basis: LegalBasis
        # The officer's words stay in the store, under its cipher (free text never leaves).
        reason: str
        erased_at: datetime
        actor: Actor
        # How many record keys (free text of records naming the subject) went with it.
        record_keys: int

        class_version = 2

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            """Erasures from before record keys destroyed none."""
            state["record_keys"] = 0

    @staticmethod
    def create_id(pseudonym: str) -> UUID:
        """One erasure per pseudonym: a retry finds the one already recorded."""
        return uuid5(NAMESPACE_URL, f"ssp-subject-erasure:{pseudonym}")

    @event(Recorded)
    def __init__(
        self,
        pseudonym: str,
        subject_kind: SubjectKind,
        legal_basis: LegalBasis,
        reason: str,
        erased_at: datetime,
        actor: Actor,
        record_keys: int = 0,
    ) -> None:
        self.pseudonym = pseudonym
        self.record_keys = record_keys


def erase_subject(
    app: ServiceApplication,
    ref: str,
    *,
    legal_basis: LegalBasis,
    reason: str,
    now: datetime,
    actor: Actor,
) -> UUID:
    """Record the erasure of subject ``ref`` and destroy its key and the keys of the records
    that name it; NotFound if none is held."""
    return erase_subject_counted(
        app, ref, legal_basis=legal_basis, reason=reason, now=now, actor=actor
    )[0]


def erase_subject_counted(
    app: ServiceApplication,
    ref: str,
    *,
    legal_basis: LegalBasis,
    reason: str,
    now: datetime,
    actor: Actor,
) -> tuple[UUID, int]:
    """``erase_subject``, with how many record keys went with the subject."""
    row = app.subjects.table.by_ref(ref)
    # A record key goes with its subjects or its retention, never as a subject of its own.
    if row is None or row.kind == RECORD_KIND:
        raise NotFound(f"no subject {ref} is held here")
    kind: Any = row.kind
    records = len(app.records.linked(row.pseudonym))
    record = SubjectErasure(row.pseudonym, kind, legal_basis, reason, now, actor, records)
    # Recorded already by an earlier attempt whose key deletion did not happen: delete now.
    with contextlib.suppress(IntegrityError):
        app.save(record)
    # The records' keys go first: a retry after a failure between the two finds the subject's
    # row still there, so nothing that names the subject can outlive its erasure.
    shredded = app.records.shred_linked(row.pseudonym)
    # An expiry here is not the subject's erasure elsewhere: the platform's registry keeps the
    # pseudonym while another service still holds the subject (subject_registry).
    app.subjects.erase(ref, everywhere=legal_basis != "retention-schedule")
    return record.id, shredded


def map_erasures(translator: Translator, contract: type) -> None:
    """Publish ``SubjectErasure.Recorded`` as the service's own ``subject_erased`` contract."""

    def _erased(e: SubjectErasure.Recorded) -> Any:
        return contract(
            pseudonym=e.pseudonym,
            subject_kind=e.subject_kind,
            legal_basis=e.legal_basis,
            erased_at=e.erased_at,
        )

    _erased.__annotations__ = {"e": SubjectErasure.Recorded, "return": contract}
    translator.maps(SubjectErasure.Recorded)(_erased)


class ErasureRequest(BaseModel):
    """Why a subject is erased: the legal basis and the officer's reason (kept in the store)."""

    legal_basis: LegalBasis = Field(description="The law or rule under which the subject is erased")
    reason: FreeText = Field(min_length=1, max_length=2000, description="The officer's reason")


SubjectRef = Annotated[
    str,
    Path(
        pattern="^" + SUBJECT_REF.pattern.removesuffix(r"\Z") + "$",
        max_length=113,
        description="The subject's reference (pupil-…, person-<search id hex>, staff-…)",
    ),
]

router = ServiceRouter(tags=["data subjects"])


class ErasureRecorded(Recorded):
    """The erasure's id, and how many records' free text was shredded with the subject."""

    record_keys: int = Field(
        ge=0, description="Record keys destroyed: records naming the subject, their text erased"
    )


@router.post("/subjects/{ref}/erasure", status_code=201, response_model=ErasureRecorded)
async def erase(
    ref: SubjectRef,
    body: ErasureRequest,
    principal: Annotated[Principal, allow("erase_subject")],
    request: Request,
    now: Now,
) -> ErasureRecorded:
    """Erase a data subject: their sealed details, and the free text of every record naming
    them, read as erased everywhere from now on."""
    app: ServiceApplication = request.app.state.ssp.application
    erasure_id, record_keys = await in_thread(
        erase_subject_counted,
        app,
        ref,
        legal_basis=body.legal_basis,
        reason=body.reason,
        now=now,
        actor=principal.actor(correlation_id()),
    )
    return ErasureRecorded(id=erasure_id, record_keys=record_keys)
