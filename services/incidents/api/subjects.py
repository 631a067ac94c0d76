"""Subjects' rights: everything held about a reference (access) and corrections (rectification)."""

from dataclasses import asdict
from typing import Annotated, Any, Literal
from uuid import UUID

from pydantic import BaseModel, Field

from services.incidents.api.context import ALIASES, Incidents, Service, history_of
from services.incidents.api.custody import evidence_view
from services.incidents.api.incidents import _incident, incident_view
from services.incidents.api.searches import _search
from services.incidents.domain.arrest import Arrest
from services.incidents.domain.evidence import EvidenceItem
from services.incidents.domain.incident import Incident
from services.incidents.domain.search import Search
from services.runtime.auth import Principal, allow
from services.runtime.endpoint import Recorded
from services.runtime.inputs import FreeText
from services.runtime.record_keys import reveal_record
from services.runtime.routing import ServiceRouter
from services.runtime.subject_access import SubjectPath, access_document
from services.runtime.views_pg import Where

router = ServiceRouter(tags=["subjects' rights"])


class Rectification(BaseModel):
    """A corrected personal detail and why the old one was wrong (both stay in the store)."""

    value: FreeText = Field(min_length=1, max_length=4000, description="The corrected value")
    reason: FreeText = Field(min_length=10, max_length=2000, description="Why it was wrong")


class IncidentRectification(Rectification):
    """A correction of an incident's personal detail."""

    field: Literal["description"]


class SearchRectification(Rectification):
    """A correction of a search's personal detail."""

    field: Literal["person", "grounds", "found", "injury_or_damage", "place_description"]


@router.post("/incidents/{incident_id}/rectification", response_model=Recorded)
async def rectify_incident(
    incident_id: UUID,
    body: IncidentRectification,
    principal: Annotated[Principal, allow("rectify_record")],
    s: Service,
) -> Recorded:
    """Correct an incident's description; the original stays in its history."""
    await _incident(s, principal, incident_id)
    fields = body.model_dump()
    await s.run(
        s.app.rectify_incident, incident_id, **fields, now=s.now(), actor=s.actor(principal)
    )
    return Recorded(id=incident_id)


@router.post("/searches/{search_id}/rectification", response_model=Recorded)
async def rectify_search(
    search_id: UUID,
    body: SearchRectification,
    principal: Annotated[Principal, allow("rectify_record")],
    s: Service,
) -> Recorded:
    """Correct a search's personal detail; the original stays in its history."""
    await _search(s, principal, search_id)
    fields = body.model_dump()
    await s.run(s.app.rectify_search, search_id, **fields, now=s.now(), actor=s.actor(principal))
    return Recorded(id=search_id)


@router.get("/subjects/{subject_ref}/access")
async def subject_access(
    subject_ref: SubjectPath,
    principal: Annotated[Principal, allow("subject_access")],
    s: Service,
) -> dict[str, Any]:
    """Every record about the reference, with its history, for the data protection officer."""
    pupil = await s.pupils.select(Where(equal={"pupil_ref": await s.pseudonym_of(subject_ref)}))
    restricted = await s.cases.select(Where(equal={"kind": "incident", "restricted": True}))
    ids = {(r["record_kind"], r["record_id"]) for r in pupil}
    records = await s.run(_records, s, subject_ref, ids, [r["id"] for r in restricted])
    await s.consulted(
        principal, "subject_access", "subject_access", subject_ref=subject_ref, records=len(records)
    )
    return access_document("incidents", subject_ref, s.now(), records)


def _records(
    s: Incidents, subject_ref: str, ids: set[tuple[str, str]], restricted: list[str]
) -> list[dict[str, Any]]:
    """A pupil's incidents, searches, evidence and arrests; a member of staff's allegations."""
    app = s.app
    for incident_id in restricted:
        accused = app.get_incident(UUID(incident_id)).accused_staff_ref
        if app.subjects.open(accused, "accused_staff_ref") == subject_ref:
            ids.add(("incident", incident_id))
    out = []
    for kind, record_id in sorted(ids):
        record, kind_class = _view(s, kind, UUID(record_id))
        record = reveal_record(app.subjects, record, ALIASES)
        history = [
            reveal_record(app.subjects, h, ALIASES)
            for h in history_of(app.history(kind_class, UUID(record_id)))
        ]
        out.append(
            {"record_kind": kind, "record_id": record_id, "record": record, "history": history}
        )
    return out


def _view(s: Incidents, kind: str, record_id: UUID) -> tuple[dict[str, Any], type]:
    """The record as it stands, personal details included."""
    if kind == "incident":
        return incident_view(s.app.get_incident(record_id)), Incident
    if kind == "search":
        search = s.app.get_search(record_id)
        return {"id": str(search.id), **asdict(search.facts)}, Search
    if kind == "evidence":
        return evidence_view(s.app.get_evidence(record_id)), EvidenceItem
    arrest = s.app.get_arrest(record_id)
    fields = {k: v for k, v in vars(arrest).items() if not k.startswith("_")}
    return {"id": str(arrest.id), **fields}, Arrest
