"""Lists across records (outstanding actions, exports), folded from the notification log.

The runtime's LogFollower feeds it from the service's notification log before each query.
"""

from collections.abc import Callable, Iterator
from typing import Any

from eventsourcing.application import Application
from ssp_contracts.vocab import SERIOUS_CATEGORIES

from services.incidents.domain.arrest import Arrest
from services.incidents.domain.evidence import EvidenceItem
from services.incidents.domain.handoff import HandOff
from services.incidents.domain.incident import Incident, referred_on_report
from services.incidents.domain.search import PUBLIC, Search
from services.runtime.dispatch import Handlers
from services.runtime.follower import Fold, LogFollower

Row = dict[str, Any]
# Search fields that may leave the service (no person, grounds or free text).


class CaseIndex:
    """Summary rows of incidents, searches, evidence and arrests, kept up to date on read."""

    def __init__(self, app: Application, batch: int = 500) -> None:
        self.rows: dict[str, Row] = {}
        self.follower = LogFollower(app, self, FOLDS, batch)

    def refresh(self) -> None:
        """Fold every notification recorded since the last refresh."""
        self.follower.catch_up()

    def select(self, kind: str, where: Callable[[Row], bool] = lambda _: True) -> Iterator[Row]:
        """Rows of ``kind`` that satisfy ``where``, oldest first."""
        with self.follower.lock:
            self.follower.catch_up()
            rows = [dict(r) for r in self.rows.values() if r["kind"] == kind and where(r)]
        return iter(sorted(rows, key=lambda r: r["at"]))


FOLDS: Handlers[Fold] = Handlers()


@FOLDS.on(Incident.Reported)
def _reported(index: CaseIndex, e: Incident.Reported) -> None:
    index.rows[str(e.originator_id)] = {
        "kind": "incident", "id": str(e.originator_id), "school_id": e.school_id,
        "at": e.occurred_at, "category": e.category, "serious": e.category in SERIOUS_CATEGORIES,
        "serious_find": None, "outside_protocol_hours": e.outside_protocol_hours,
        "head_teacher_notified_at": None, "actions_awaiting_review": 0,
        "referred": referred_on_report(e.category, e.actor.role),
        "handed_off_at": None, "closed_at": None, "outcome": None,
    }  # fmt: skip


@FOLDS.on(Incident.HeadTeacherNotified)
def _notified(index: CaseIndex, e: Incident.HeadTeacherNotified) -> None:
    index.rows[str(e.originator_id)]["head_teacher_notified_at"] = e.notified_at


@FOLDS.on(HandOff.Made)
def _handed_off(index: CaseIndex, e: HandOff.Made) -> None:
    index.rows[e.incident_id]["handed_off_at"] = e.handed_at


@FOLDS.on(Incident.Referred)
def _referred(index: CaseIndex, e: Incident.Referred) -> None:
    index.rows[str(e.originator_id)]["referred"] = True


@FOLDS.on(Incident.BecameSerious)
def _became_serious(index: CaseIndex, e: Incident.BecameSerious) -> None:
    index.rows[str(e.originator_id)].update(serious=True, serious_find=e.find)


@FOLDS.on(Incident.PoliceActionRecorded)
def _acted(index: CaseIndex, e: Incident.PoliceActionRecorded) -> None:
    index.rows[str(e.originator_id)]["actions_awaiting_review"] += int(e.supervisor_review)


@FOLDS.on(Incident.PoliceActionsReviewed)
def _reviewed(index: CaseIndex, e: Incident.PoliceActionsReviewed) -> None:
    index.rows[str(e.originator_id)]["actions_awaiting_review"] = 0


@FOLDS.on(Arrest.HeadTeacherInformed)
def _informed(index: CaseIndex, e: Arrest.HeadTeacherInformed) -> None:
    index.rows[str(e.originator_id)]["head_teacher_notified_at"] = e.informed_at


@FOLDS.on(Incident.Closed)
def _closed(index: CaseIndex, e: Incident.Closed) -> None:
    index.rows[str(e.originator_id)].update(closed_at=e.closed_at, outcome=e.outcome)


@FOLDS.on(Search.Recorded)
def _searched(index: CaseIndex, e: Search.Recorded) -> None:
    public = {f: getattr(e, f) for f in PUBLIC}
    index.rows[str(e.originator_id)] = {
        "kind": "search", "id": str(e.originator_id), "at": e.searched_at,
        "parents_informed_at": None, **public,
    }  # fmt: skip


@FOLDS.on(Search.ParentsInformed)
def _parents(index: CaseIndex, e: Search.ParentsInformed) -> None:
    index.rows[str(e.originator_id)]["parents_informed_at"] = e.informed_at


@FOLDS.on(Arrest.Made)
def _arrested(index: CaseIndex, e: Arrest.Made) -> None:
    index.rows[str(e.originator_id)] = {
        "kind": "arrest", "id": str(e.originator_id), "school_id": e.school_id,
        "at": e.arrested_at, "incident_id": e.incident_id, "pupil_ref": e.pupil_ref,
        "on_premises": e.on_premises, "head_teacher_notified_at": None,
    }  # fmt: skip


@FOLDS.on(EvidenceItem.Seized)
def _seized(index: CaseIndex, e: EvidenceItem.Seized) -> None:
    index.rows[str(e.originator_id)] = {
        "kind": "evidence", "id": str(e.originator_id), "school_id": e.school_id,
        "at": e.seized_at, "incident_id": e.incident_id, "holder": e.holder,
    }  # fmt: skip


@FOLDS.on(EvidenceItem.Transferred)
def _transferred(index: CaseIndex, e: EvidenceItem.Transferred) -> None:
    index.rows[str(e.originator_id)]["holder"] = e.to_holder
