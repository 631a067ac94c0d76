"""The ids of restricted records (allegations against staff), so listings can hide them.

Kept apart from the case index: a listing asks only whether a row is restricted, and reads
the record itself (domain/restricted.py decides) for the few that are.
"""

from eventsourcing.application import Application

from services.incidents.domain.incident import Incident
from services.runtime.dispatch import Handlers
from services.runtime.follower import Fold, LogFollower


class RestrictedIds:
    """Ids of incidents that are allegations against staff, folded from the notification log."""

    def __init__(self, app: Application, batch: int = 500) -> None:
        self.ids: set[str] = set()
        self.follower = LogFollower(app, self, FOLDS, batch)

    def current(self) -> frozenset[str]:
        """The restricted ids as of the latest event."""
        with self.follower.lock:
            self.follower.catch_up()
            return frozenset(self.ids)


FOLDS: Handlers[Fold] = Handlers()


@FOLDS.on(Incident.Reported)
def _reported(view: RestrictedIds, e: Incident.Reported) -> None:
    if e.allegation_against_staff:
        view.ids.add(str(e.originator_id))
