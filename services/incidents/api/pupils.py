"""A pupil's chronology: one scoped, logged view across everything held about a pupil."""

from datetime import datetime
from typing import Annotated, Any
from uuid import UUID

from fastapi import Path
from ssp_contracts.events.common import PupilRef

from services.incidents.api.context import Incidents, Service, reader_of
from services.incidents.api.scope import Scope
from services.incidents.domain.restricted import refusal
from services.runtime.auth import Principal, allow
from services.runtime.consultations import Purpose
from services.runtime.paging import Paging
from services.runtime.paging_lists import page_list
from services.runtime.routing import ServiceRouter
from services.runtime.views_pg import Row, Where

router = ServiceRouter(tags=["pupils"])
PupilPath = Annotated[PupilRef, Path(description="Pseudonymous pupil reference")]


@router.get("/pupils/{pupil_ref}/chronology")
async def chronology(
    pupil_ref: PupilPath,
    principal: Annotated[Principal, allow("read_chronology")],
    s: Service,
    purpose: Purpose,
    paged: Paging,
) -> dict[str, Any]:
    """Incidents, searches, evidence, arrests and Section 115 requests about the pupil, in time
    order, from the caller's schools only, a page at a time (``limit``, ``cursor``, ``since``);
    the read is logged with its purpose."""
    scope = await s.scope(principal)
    held = await s.pupils.select(
        Where(
            equal={"pupil_ref": await s.pseudonym_of(pupil_ref)},
            within={"school_id": scope.schools},
        )
    )
    entries = [_shown(e) for e in await _readable(s, principal, held)]
    entries += await _disclosures(s, scope, pupil_ref)
    page = page_list(paged, entries, lambda e: e["at"], _entry_key, kind="timestamptz")
    await s.consulted(
        principal, purpose, "pupil_chronology", subject_ref=pupil_ref, records=len(page)
    )
    return {"pupil_ref": pupil_ref, "entries": list(page)}


def _entry_key(e: dict[str, Any]) -> str:
    # Unique within a pupil's chronology: a record's steps differ by their event.
    return f"{e['record_kind']}:{e['record_id']}:{e['event']}"


async def _readable(s: Incidents, principal: Principal, entries: list[Row]) -> list[Row]:
    """Entries of restricted incidents (allegations against staff) only for their readers."""
    incidents = {e["incident_id"] for e in entries if e["incident_id"]}
    restricted = await s.cases.select(
        Where(equal={"kind": "incident", "restricted": True}, within={"id": incidents})
    )
    reader = reader_of(principal)
    allowed: dict[str, bool] = {}
    for row in restricted:
        record = await s.run(s.app.get_incident, UUID(row["id"]))
        allowed[row["id"]] = refusal(s.restricted(record), reader) is None
    return [e for e in entries if allowed.get(e["incident_id"] or "", True)]


async def _disclosures(s: Incidents, scope: Scope, pupil_ref: str) -> list[dict[str, Any]]:
    """The steps of Section 115 requests about the pupil, at schools in the caller's scope."""
    # Disclosure publishes the pupil under the platform's pseudonym (subject_registry), the one
    # incidents holds the pupil under; a pupil incidents holds nothing about is looked up in
    # the registry, where nothing is made by looking.
    held = await s.run(s.app.subjects.registry.holders, pupil_ref)
    pseudonym = next(iter(held.values()), None) or await s.pseudonym_of(pupil_ref)
    return [
        {
            "at": step.at,
            "record_kind": "disclosure_request",
            "record_id": step.request_id,
            "event": step.step,
            "school_id": step.school_id,
            "details": step.details,
        }
        for step in await s.disclosures.of_subject(pseudonym)
        if scope.allows(step.school_id)
    ]


def _shown(e: Row) -> dict[str, Any]:
    # The table keeps times as JSON text; disclosure's steps come as datetimes: one kind to sort.
    shown = ("record_kind", "record_id", "event", "school_id", "details")
    return {"at": datetime.fromisoformat(e["at"]), **{k: e[k] for k in shown}}
