"""A pupil's chronology: one scoped, logged view across everything held about a pupil."""

from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Path
from ssp_contracts.events.common import PupilRef

from services.incidents.api.context import Incidents, Service, reader_of
from services.incidents.api.scope import Scope
from services.incidents.domain.restricted import refusal
from services.incidents.views.chronology import Entry
from services.runtime.auth import Principal, allow
from services.runtime.consultations import Purpose

router = APIRouter(tags=["pupils"])
PupilPath = Annotated[PupilRef, Path(description="Pseudonymous pupil reference")]


@router.get("/pupils/{pupil_ref}/chronology")
async def chronology(
    pupil_ref: PupilPath,
    principal: Annotated[Principal, allow("read_chronology")],
    s: Service,
    purpose: Purpose,
) -> dict[str, Any]:
    """Incidents, searches, evidence, arrests and Section 115 requests about the pupil, in time
    order, from the caller's schools only; the read is logged with its purpose."""
    scope = await s.scope(principal)
    held = await s.run(s.app.pupils.of, pupil_ref, lambda e: scope.allows(e.school_id))
    entries = [_shown(e) for e in await _readable(s, principal, held)]
    entries += await _disclosures(s, scope, pupil_ref)
    entries.sort(key=lambda e: (e["at"], e["record_kind"], e["record_id"]))
    await s.consulted(
        principal, purpose, "pupil_chronology", subject_ref=pupil_ref, records=len(entries)
    )
    return {"pupil_ref": pupil_ref, "entries": entries}


async def _readable(s: Incidents, principal: Principal, entries: list[Entry]) -> list[Entry]:
    """Entries of restricted incidents (allegations against staff) only for their readers."""
    restricted = await s.run(s.app.restricted.current)
    reader = reader_of(principal)
    allowed: dict[str, bool] = {}
    for incident in {e.incident_id for e in entries if e.incident_id in restricted}:
        record = await s.run(s.app.get_incident, UUID(incident))
        allowed[incident] = refusal(record, reader) is None
    return [e for e in entries if allowed.get(e.incident_id or "", True)]


async def _disclosures(s: Incidents, scope: Scope, pupil_ref: str) -> list[dict[str, Any]]:
    """The steps of Section 115 requests about the pupil, at schools in the caller's scope."""
    return [
        {
            "at": step.at,
            "record_kind": "disclosure_request",
            "record_id": step.request_id,
            "event": step.step,
            "school_id": step.school_id,
            "details": step.details,
        }
        for step in await s.disclosures.of_subject(pupil_ref)
        if scope.allows(step.school_id)
    ]


def _shown(e: Entry) -> dict[str, Any]:
    return {
        "at": e.at,
        "record_kind": e.record_kind,
        "record_id": e.record_id,
        "event": e.event,
        "school_id": e.school_id,
        "details": e.details,
    }
