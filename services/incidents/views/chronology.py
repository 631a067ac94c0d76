"""A pupil's chronology: what this service holds about one pupil reference, in time order.

A table folded from the service's own notification log by the runtime's view runner: one row
per pupil and dated step (incidents naming the pupil, restorative conferences they took part
in, searches of them, their arrests and the evidence seized under their incidents). Rows carry
vocabulary values and ids, never the free text (descriptions, grounds, notes), which the
records' own endpoints serve to those allowed.
"""

from datetime import datetime
from typing import Any
from uuid import UUID

from ssp_contracts.vocab import SERIOUS_CATEGORIES

from services.incidents.domain.arrest import Arrest
from services.incidents.domain.evidence import EvidenceItem
from services.incidents.domain.incident import Incident
from services.incidents.domain.search import Search
from services.runtime.dispatch import Handlers
from services.runtime.sealed import published
from services.runtime.views_pg import LogView, Rows, ViewFold

FOLDS: Handlers[ViewFold] = Handlers()

PUPILS = LogView(
    name="incidents.pupils",
    table="view_pupil_chronology",
    columns=(("pupil_ref", "text NOT NULL"), ("school_id", "text"), ("at", "timestamptz NOT NULL")),
    indexes=(("pupil_ref", "at"),),
    handlers=FOLDS,
)


def _add(
    rows: Rows,
    pupils: list[str],
    at: datetime,
    kind: str,
    record_id: str,
    event: str,
    school_id: str,
    details: dict[str, Any],
    incident_id: str | None,
) -> None:
    """One row per pupil named (a pupil named twice gets one), keyed by the pupil's pseudonym:
    the store keeps the reference sealed, and erasure then leaves rows no one can link."""
    for pupil in dict.fromkeys(published(p) for p in pupils):
        rows.put(
            f"{pupil}/{kind}/{record_id}/{event}", pupil_ref=pupil, at=at, record_kind=kind,
            record_id=record_id, event=event, school_id=school_id, details=details,
            incident_id=incident_id,
        )  # fmt: skip


def _pupils_of(rows: Rows, incident_id: str) -> list[str]:
    """The pupils an incident names (steps that do not name them, such as its closure)."""
    incident: Incident = rows.app.repository.get(UUID(incident_id))
    return list(incident.pupil_refs)


@FOLDS.on(Incident.Reported)
def _reported(rows: Rows, e: Incident.Reported) -> None:
    incident = str(e.originator_id)
    details = {"category": e.category, "serious": e.category in SERIOUS_CATEGORIES}
    _add(rows, e.pupil_refs, e.occurred_at, "incident", incident, "reported", e.school_id,
         details, incident)  # fmt: skip


@FOLDS.on(Incident.RestorativeConferenceHeld)
def _conference(rows: Rows, e: Incident.RestorativeConferenceHeld) -> None:
    incident = str(e.originator_id)
    _add(rows, e.pupil_refs, e.held_at, "incident", incident, "restorative_conference",
         e.school_id, {"outcome": e.outcome}, incident)  # fmt: skip


@FOLDS.on(Incident.Closed)
def _closed(rows: Rows, e: Incident.Closed) -> None:
    incident = str(e.originator_id)
    _add(rows, _pupils_of(rows, incident), e.closed_at, "incident", incident, "closed",
         e.school_id, {"outcome": e.outcome}, incident)  # fmt: skip


@FOLDS.on(Search.Recorded)
def _searched(rows: Rows, e: Search.Recorded) -> None:
    if e.pupil_ref is None:
        return
    details = {
        "searched_by": e.searched_by,
        "legislation": e.legislation,
        "object_of_search": e.object_of_search,
        "outcome": e.outcome,
    }
    _add(rows, [e.pupil_ref], e.searched_at, "search", str(e.originator_id), "searched",
         e.school_id, details, e.incident_id)  # fmt: skip


@FOLDS.on(Arrest.Made)
def _arrested(rows: Rows, e: Arrest.Made) -> None:
    _add(rows, [e.pupil_ref], e.arrested_at, "arrest", str(e.originator_id), "arrested",
         e.school_id, {"on_premises": e.on_premises}, e.incident_id)  # fmt: skip


@FOLDS.on(EvidenceItem.Seized)
def _seized(rows: Rows, e: EvidenceItem.Seized) -> None:
    _add(rows, _pupils_of(rows, e.incident_id), e.seized_at, "evidence", str(e.originator_id),
         "seized", e.school_id, {"kind": e.kind, "holder": e.holder}, e.incident_id)  # fmt: skip
