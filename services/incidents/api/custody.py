"""Evidence chain of custody and arrests."""

from typing import Annotated, Any
from uuid import UUID

from pydantic import BaseModel, Field
from ssp_contracts.events.common import OfficerId, PupilRef
from ssp_contracts.events.incidents import EvidenceKind
from ssp_contracts.vocab import EvidenceDisposal

from services.incidents.api.context import Service, history_of
from services.incidents.api.powers import check_police_powers
from services.incidents.domain.arrest import Arrest
from services.incidents.domain.evidence import EvidenceItem, booking_due
from services.runtime.auth import Principal, allow
from services.runtime.clock import london_day
from services.runtime.consultations import Purpose
from services.runtime.domain import RuleViolation
from services.runtime.endpoint import Recorded
from services.runtime.inputs import FreeText, Instant, Text
from services.runtime.routing import ServiceRouter

router = ServiceRouter(tags=["evidence and arrests"])


class SeizeEvidence(BaseModel):
    """An item seized by school staff (initial care) or by the officer."""

    incident_id: UUID
    kind: EvidenceKind
    description: FreeText = Field(min_length=1, max_length=2000, description="Stays in the service")
    seized_at: Instant
    justification: FreeText | None = Field(
        default=None, max_length=4000, description="Officer, after an internal election"
    )
    search_id: UUID | None = Field(default=None, description="The search that found it, if any")


class HandOver(BaseModel):
    """School staff hand the item to the officer."""

    officer_id: OfficerId = Field(description="Officer receiving it")
    handed_at: Instant


class Disposal(BaseModel):
    """Police property rules: booked in, returned or destroyed."""

    transfer: EvidenceDisposal
    reference: Text = Field(
        min_length=1,
        max_length=64,
        description="Property reference, or to whom it went back; stays in the service",
    )
    at: Instant


class MakeArrest(BaseModel):
    """An arrest of a pupil in connection with an incident."""

    incident_id: UUID
    pupil_ref: PupilRef
    arrested_at: Instant
    on_premises: bool
    necessity: FreeText | None = Field(
        default=None, max_length=4000, description="Why it could not wait (on premises)"
    )


class Informed(BaseModel):
    """When the head teacher was informed."""

    informed_at: Instant


def evidence_view(item: EvidenceItem) -> dict[str, Any]:
    """The item and its chain of custody."""
    return {
        "id": str(item.id),
        "version": item.version,
        "incident_id": item.incident_id,
        "school_id": item.school_id,
        "kind": item.kind,
        "description": item.description,
        "seized_at": item.seized_at,
        "holder": item.holder,
        "holder_id": item.holder_id,
        "search_id": item.search_id,
        "custody": item.custody,
        "due_by": booking_due(item.holder, item.last_moved_at),
    }


async def _item(
    s: Service, principal: Principal, item_id: UUID, purpose: Purpose | None = None
) -> EvidenceItem:
    item = await s.run(s.app.get_evidence, item_id)
    await s.check_school(principal, item.school_id, hide=True)
    if purpose is not None:  # a read of the record: logged before it is answered (s62)
        what = {"record_id": item.id, "school_id": item.school_id}
        await s.consulted(principal, purpose, "evidence", **what)
    return item


@router.post("/evidence", status_code=201, response_model=Recorded)
async def seize_evidence(
    body: SeizeEvidence, principal: Annotated[Principal, allow("seize_evidence")], s: Service
) -> Recorded:
    """Record an item seized; staff keep it in initial care until the officer takes it."""
    incident = await s.run(s.app.get_incident, body.incident_id)
    await s.check_incident(principal, incident)
    item_id = await s.run(
        s.app.seize_evidence, **body.model_dump(), now=s.now(), actor=s.actor(principal)
    )
    return Recorded(id=item_id)


@router.get("/evidence/{item_id}")
async def get_evidence(
    item_id: UUID,
    principal: Annotated[Principal, allow("read_evidence")],
    s: Service,
    purpose: Purpose,
) -> dict[str, Any]:
    """The item as it stands, with its chain of custody."""
    return await s.revealed(evidence_view(await _item(s, principal, item_id, purpose)))


@router.get("/evidence/{item_id}/history")
async def evidence_history(
    item_id: UUID,
    principal: Annotated[Principal, allow("read_evidence")],
    s: Service,
    purpose: Purpose,
) -> list[dict[str, Any]]:
    """Every transfer of the item: who, to whom, when."""
    await _item(s, principal, item_id, purpose)
    return await s.revealed_all(history_of(await s.run(s.app.history, EvidenceItem, item_id)))


@router.post("/evidence/{item_id}/handover", response_model=Recorded)
async def hand_over_evidence(
    item_id: UUID,
    body: HandOver,
    principal: Annotated[Principal, allow("hand_over_evidence")],
    s: Service,
) -> Recorded:
    """The item passes from school staff to the officer deployed to the school."""
    item = await _item(s, principal, item_id)
    deployed = await s.view.active(london_day(s.now()), body.officer_id)
    if not any(item.school_id in d.school_ids for d in deployed):
        raise RuleViolation(
            "officer-deployment",
            f"officer {body.officer_id} is not deployed to school {item.school_id}",
            "officer_id",
        )
    await s.run(
        s.app.transfer_evidence,
        item_id,
        transfer="handed_to_officer",
        to_id=body.officer_id,
        transferred_at=body.handed_at,
        now=s.now(),
        actor=s.actor(principal),
    )
    return Recorded(id=item_id)


@router.post("/evidence/{item_id}/disposal", response_model=Recorded)
async def dispose_evidence(
    item_id: UUID,
    body: Disposal,
    principal: Annotated[Principal, allow("dispose_evidence")],
    s: Service,
) -> Recorded:
    """Police property rules: book the item in, return it or destroy it."""
    await _item(s, principal, item_id)
    await s.run(
        s.app.transfer_evidence,
        item_id,
        transfer=body.transfer,
        to_id=body.reference,
        transferred_at=body.at,
        now=s.now(),
        actor=s.actor(principal),
    )
    return Recorded(id=item_id)


@router.post("/arrests", status_code=201, response_model=Recorded)
async def make_arrest(
    body: MakeArrest, principal: Annotated[Principal, allow("make_arrest")], s: Service
) -> Recorded:
    """Record an arrest; on premises only with the written necessity; never by a PCSO."""
    incident = await s.run(s.app.get_incident, body.incident_id)
    await s.check_incident(principal, incident)
    await check_police_powers(principal, s.view, london_day(body.arrested_at), "an arrest")
    arrest_id = await s.run(
        s.app.make_arrest, **body.model_dump(), now=s.now(), actor=s.actor(principal)
    )
    return Recorded(id=arrest_id)


async def _arrest(
    s: Service, principal: Principal, arrest_id: UUID, purpose: Purpose | None = None
) -> Arrest:
    arrest = await s.run(s.app.get_arrest, arrest_id)
    await s.check_school(principal, arrest.school_id, hide=True)
    if purpose is not None:  # a read of the record: logged before it is answered (s62)
        what = {"record_id": arrest.id, "school_id": arrest.school_id}
        await s.consulted(principal, purpose, "arrest", subject_ref=arrest.pupil_ref, **what)
    return arrest


@router.get("/arrests/{arrest_id}")
async def get_arrest(
    arrest_id: UUID,
    principal: Annotated[Principal, allow("read_arrest")],
    s: Service,
    purpose: Purpose,
) -> dict[str, Any]:
    """The arrest as it stands now."""
    a = await _arrest(s, principal, arrest_id, purpose)
    fields = {k: v for k, v in vars(a).items() if not k.startswith("_")}
    return await s.revealed({"id": str(a.id), "version": a.version, **fields})


@router.get("/arrests/{arrest_id}/history")
async def arrest_history(
    arrest_id: UUID,
    principal: Annotated[Principal, allow("read_arrest")],
    s: Service,
    purpose: Purpose,
) -> list[dict[str, Any]]:
    """Every event of the arrest."""
    await _arrest(s, principal, arrest_id, purpose)
    return await s.revealed_all(history_of(await s.run(s.app.history, Arrest, arrest_id)))


@router.post("/arrests/{arrest_id}/head-teacher-informed", response_model=Recorded)
async def inform_head_of_arrest(
    arrest_id: UUID,
    body: Informed,
    principal: Annotated[Principal, allow("inform_head_of_arrest")],
    s: Service,
) -> Recorded:
    """Record that the head teacher was informed of the arrest."""
    await _arrest(s, principal, arrest_id)
    await s.run(
        s.app.inform_head_teacher_of_arrest,
        arrest_id,
        informed_at=body.informed_at,
        now=s.now(),
        actor=s.actor(principal),
    )
    return Recorded(id=arrest_id)
