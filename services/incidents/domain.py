"""The incident aggregate and the protocol rules it keeps."""

from datetime import datetime, time

from eventsourcing.domain import Aggregate, event

from services.runtime.domain import Actor

# Categories the protocol says must be reported to the head teacher.
SERIOUS_CATEGORIES = frozenset(
    {"assault-with-injury", "robbery", "sexual-assault", "possession-of-weapons", "drugs"}
)
PROTOCOL_START, PROTOCOL_END = time(8, 0), time(16, 0)


def outside_protocol_hours(moment: datetime) -> bool:
    """Whether ``moment`` falls outside 08:00-16:00 on a school day (Monday to Friday)."""
    return moment.weekday() >= 5 or not (PROTOCOL_START <= moment.time() < PROTOCOL_END)


class Incident(Aggregate):
    """An incident on or around school premises."""

    class Reported(Aggregate.Created):
        school_id: str
        occurred_at: datetime
        location_kind: str
        category: str
        came_to_notice: str
        description: str
        pupil_refs: list[str]
        actor: Actor

    @event(Reported)
    def __init__(
        self,
        school_id: str,
        occurred_at: datetime,
        location_kind: str,
        category: str,
        came_to_notice: str,
        description: str,
        pupil_refs: list[str],
        actor: Actor,
    ) -> None:
        self.school_id = school_id
        self.occurred_at = occurred_at
        self.location_kind = location_kind
        self.category = category
        self.came_to_notice = came_to_notice
        self.description = description
        self.pupil_refs = list(pupil_refs)
        self.reported_by = actor.id

    @property
    def serious(self) -> bool:
        """Serious incidents must be reported to the head teacher."""
        return self.category in SERIOUS_CATEGORIES

    @property
    def outside_protocol_hours(self) -> bool:
        """Marked for response officers when outside protocol hours."""
        return outside_protocol_hours(self.occurred_at)
