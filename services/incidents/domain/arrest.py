"""Arrests of pupils: on premises only when absolutely necessary, the head teacher told."""

from datetime import datetime
from uuid import UUID, uuid4

from eventsourcing.domain import Aggregate, event

from services.incidents.domain.rules import (
    check_justification,
    check_not_before,
    check_not_future,
)
from services.runtime.domain import Actor, StateConflict


class Arrest(Aggregate):
    """An arrest of a pupil in connection with an incident."""

    class Made(Aggregate.Created):
        incident_id: str
        school_id: str
        pupil_ref: str
        arrested_at: datetime
        on_premises: bool
        necessity: str | None
        actor: Actor

    class HeadTeacherInformed(Aggregate.Event):
        incident_id: str
        school_id: str
        informed_at: datetime
        actor: Actor

    @classmethod
    def make(
        cls,
        *,
        incident_id: str,
        school_id: str,
        pupil_ref: str,
        arrested_at: datetime,
        on_premises: bool,
        necessity: str | None,
        now: datetime,
        actor: Actor,
        id: UUID | None = None,
    ) -> "Arrest":
        """A new arrest; on premises it needs the written reason it could not wait. ``id``:
        the id its necessity was sealed for (record_keys), else a new one."""
        check_not_future(arrested_at, now, "arrested_at")
        if on_premises:
            necessity = check_justification(
                necessity,
                "arrest-necessity",
                "necessity",
                "pupils are arrested on school premises only when absolutely necessary;"
                " otherwise the arrest is made later",
            )
        return cls._create(
            cls.Made, id=id or uuid4(), incident_id=incident_id, school_id=school_id,
            pupil_ref=pupil_ref, arrested_at=arrested_at, on_premises=on_premises,
            necessity=necessity, actor=actor,
        )  # fmt: skip

    @event(Made)
    def __init__(
        self,
        incident_id: str,
        school_id: str,
        pupil_ref: str,
        arrested_at: datetime,
        on_premises: bool,
        necessity: str | None,
        actor: Actor,
    ) -> None:
        self.incident_id = incident_id
        self.school_id = school_id
        self.pupil_ref = pupil_ref
        self.arrested_at = arrested_at
        self.on_premises = on_premises
        self.necessity = necessity
        self.arrested_by = actor.id
        self.head_teacher_informed_at: datetime | None = None

    def inform_head_teacher(self, informed_at: datetime, now: datetime, actor: Actor) -> None:
        """Record that the head teacher was informed of the arrest."""
        if self.head_teacher_informed_at is not None:
            raise StateConflict("arrest-head-teacher", "the head teacher was already informed")
        check_not_future(informed_at, now, "informed_at")
        check_not_before(informed_at, self.arrested_at, "informed_at", "the arrest")
        self._informed(self.incident_id, self.school_id, informed_at, actor)

    @event(HeadTeacherInformed)
    def _informed(
        self, incident_id: str, school_id: str, informed_at: datetime, actor: Actor
    ) -> None:
        self.head_teacher_informed_at = informed_at
