"""Lists across records (outstanding actions, exports), folded from the notification log.

The event store is the source of truth; this index catches up with its notification log
before each query, so it needs no second database and is rebuilt on every start.
"""

import threading
from collections.abc import Callable, Iterator
from typing import Any

from eventsourcing.application import Application
from ssp_contracts.vocab import SERIOUS_CATEGORIES

from services.incidents.domain.arrest import Arrest
from services.incidents.domain.evidence import EvidenceItem
from services.incidents.domain.incident import Incident
from services.incidents.domain.search import Search

Row = dict[str, Any]
# Search fields that may leave the service (no person, grounds or free text).
SEARCH_PUBLIC = (
    "school_id", "incident_id", "searched_by", "officer_id", "searched_at", "location_kind",
    "latitude", "longitude", "pupil_ref", "legislation", "object_of_search", "gender",
    "age_range", "self_defined_ethnicity", "officer_defined_ethnicity", "outcome",
    "outcome_linked_to_object_of_search", "removal_of_more_than_outer_clothing",
)  # fmt: skip


class CaseIndex:
    """Summary rows of incidents, searches, evidence and arrests, kept up to date on read."""

    def __init__(self, app: Application, batch: int = 500) -> None:
        self.app = app
        self.batch = batch
        self.position = 0
        self.rows: dict[str, Row] = {}
        self._lock = threading.Lock()

    def refresh(self) -> None:
        """Fold every notification recorded since the last refresh."""
        with self._lock:
            while True:
                notifications = self.app.recorder.select_notifications(
                    self.position + 1, self.batch
                )
                for notification in notifications:
                    self._fold(self.app.mapper.to_domain_event(notification))
                    self.position = notification.id
                if len(notifications) < self.batch:
                    return

    def select(self, kind: str, where: Callable[[Row], bool] = lambda _: True) -> Iterator[Row]:
        """Rows of ``kind`` that satisfy ``where``, oldest first."""
        self.refresh()
        with self._lock:
            rows = [dict(r) for r in self.rows.values() if r["kind"] == kind and where(r)]
        return iter(sorted(rows, key=lambda r: r["at"]))

    def _fold(self, e: Any) -> None:
        key = str(e.originator_id)
        if isinstance(e, Incident.Reported):
            self.rows[key] = {
                "kind": "incident",
                "id": key,
                "school_id": e.school_id,
                "at": e.occurred_at,
                "category": e.category,
                "serious": e.category in SERIOUS_CATEGORIES,
                "outside_protocol_hours": e.outside_protocol_hours,
                "head_teacher_notified_at": None,
                "closed_at": None,
                "outcome": None,
            }
        elif isinstance(e, Incident.HeadTeacherNotified | Arrest.HeadTeacherInformed):
            self.rows[key]["head_teacher_notified_at"] = getattr(
                e, "notified_at", getattr(e, "informed_at", None)
            )
        elif isinstance(e, Incident.Closed):
            self.rows[key].update(closed_at=e.closed_at, outcome=e.outcome)
        elif isinstance(e, Search.Recorded):
            public = {f: getattr(e, f) for f in SEARCH_PUBLIC}
            self.rows[key] = {
                "kind": "search", "id": key, "at": e.searched_at, "parents_informed_at": None,
                **public,
            }  # fmt: skip
        elif isinstance(e, Search.ParentsInformed):
            self.rows[key]["parents_informed_at"] = e.informed_at
        elif isinstance(e, Arrest.Made):
            self.rows[key] = {
                "kind": "arrest", "id": key, "school_id": e.school_id, "at": e.arrested_at,
                "incident_id": e.incident_id, "pupil_ref": e.pupil_ref,
                "on_premises": e.on_premises, "head_teacher_notified_at": None,
            }  # fmt: skip
        elif isinstance(e, EvidenceItem.Seized):
            self.rows[key] = {
                "kind": "evidence", "id": key, "school_id": e.school_id, "at": e.seized_at,
                "incident_id": e.incident_id, "holder": e.holder,
            }  # fmt: skip
        elif isinstance(e, EvidenceItem.Transferred):
            self.rows[key]["holder"] = e.to_holder
