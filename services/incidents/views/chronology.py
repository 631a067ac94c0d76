"""A pupil's chronology: what this service holds about one pupil reference, in time order.

Folded from the service's own notification log (the runtime's LogFollower): incidents naming the
pupil, restorative conferences they took part in, searches of them, their arrests and the
evidence seized under their incidents. Entries carry vocabulary values and ids, never the free
text (descriptions, grounds, notes), which the records' own endpoints serve to those allowed.
"""

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from eventsourcing.application import Application
from ssp_contracts.vocab import SERIOUS_CATEGORIES

from services.incidents.domain.arrest import Arrest
from services.incidents.domain.evidence import EvidenceItem
from services.incidents.domain.incident import Incident
from services.incidents.domain.search import Search
from services.runtime.dispatch import Handlers
from services.runtime.follower import Fold, LogFollower


@dataclass(frozen=True)
class Entry:
    """One dated entry of a chronology; ``incident_id`` ties it to an incident (restrictions)."""

    at: datetime
    record_kind: str
    record_id: str
    event: str
    school_id: str
    details: dict[str, Any] = field(default_factory=dict)
    incident_id: str | None = None


class PupilIndex:
    """Entries per pupil reference, caught up with the notification log on each read."""

    def __init__(self, app: Application, batch: int = 500) -> None:
        self.entries: dict[str, list[Entry]] = defaultdict(list)
        self.pupils_of: dict[str, list[str]] = {}  # incident id -> its pupils
        self.follower = LogFollower(app, self, FOLDS, batch)

    def of(self, pupil_ref: str, where: Callable[[Entry], bool] = lambda _: True) -> list[Entry]:
        """The pupil's entries that satisfy ``where``, oldest first."""
        with self.follower.lock:
            self.follower.catch_up()
            found = [e for e in self.entries.get(pupil_ref, []) if where(e)]
        return sorted(found, key=lambda e: (e.at, e.record_kind, e.record_id))

    def add(self, pupils: list[str], entry: Entry) -> None:
        """Add ``entry`` to each pupil's chronology."""
        for pupil in dict.fromkeys(pupils):
            self.entries[pupil].append(entry)


FOLDS: Handlers[Fold] = Handlers()


@FOLDS.on(Incident.Reported)
def _reported(view: PupilIndex, e: Incident.Reported) -> None:
    incident = str(e.originator_id)
    view.pupils_of[incident] = list(e.pupil_refs)
    details = {"category": e.category, "serious": e.category in SERIOUS_CATEGORIES}
    entry = Entry(e.occurred_at, "incident", incident, "reported", e.school_id, details, incident)
    view.add(e.pupil_refs, entry)


@FOLDS.on(Incident.RestorativeConferenceHeld)
def _conference(view: PupilIndex, e: Incident.RestorativeConferenceHeld) -> None:
    incident = str(e.originator_id)
    details = {"outcome": e.outcome}
    event = "restorative_conference"
    entry = Entry(e.held_at, "incident", incident, event, e.school_id, details, incident)
    view.add(e.pupil_refs, entry)


@FOLDS.on(Incident.Closed)
def _closed(view: PupilIndex, e: Incident.Closed) -> None:
    incident = str(e.originator_id)
    details = {"outcome": e.outcome}
    entry = Entry(e.closed_at, "incident", incident, "closed", e.school_id, details, incident)
    view.add(view.pupils_of.get(incident, []), entry)


@FOLDS.on(Search.Recorded)
def _searched(view: PupilIndex, e: Search.Recorded) -> None:
    if e.pupil_ref is None:
        return
    details = {
        "searched_by": e.searched_by,
        "legislation": e.legislation,
        "object_of_search": e.object_of_search,
        "outcome": e.outcome,
    }
    search = str(e.originator_id)
    entry = Entry(e.searched_at, "search", search, "searched", e.school_id, details, e.incident_id)
    view.add([e.pupil_ref], entry)


@FOLDS.on(Arrest.Made)
def _arrested(view: PupilIndex, e: Arrest.Made) -> None:
    details = {"on_premises": e.on_premises}
    arrest = str(e.originator_id)
    entry = Entry(e.arrested_at, "arrest", arrest, "arrested", e.school_id, details, e.incident_id)
    view.add([e.pupil_ref], entry)


@FOLDS.on(EvidenceItem.Seized)
def _seized(view: PupilIndex, e: EvidenceItem.Seized) -> None:
    details = {"kind": e.kind, "holder": e.holder}
    item = str(e.originator_id)
    entry = Entry(e.seized_at, "evidence", item, "seized", e.school_id, details, e.incident_id)
    view.add(view.pupils_of.get(e.incident_id, []), entry)
