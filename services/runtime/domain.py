"""What every service's domain model shares: the actor, rule errors, the base application."""

import functools
from dataclasses import asdict, dataclass
from datetime import date, time
from typing import TYPE_CHECKING, Any, ClassVar, Protocol, TypeVar
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError, Application, ProcessingEvent
from eventsourcing.domain import Aggregate
from eventsourcing.persistence import JSONTranscoder, Recording, Transcoding

if TYPE_CHECKING:
    from services.runtime.record_keys import RecordKeys
    from services.runtime.subjects import SubjectKeys

A = TypeVar("A", bound=Aggregate)


@dataclass(frozen=True)
class Actor:
    """Who issued a command, under which role and authority; recorded on every event."""

    id: str
    role: str
    correlation_id: str
    school: str | None = None
    borough: str | None = None


class ActorAsDict(Transcoding):
    """Stores an Actor inside domain events."""

    type = Actor
    name = "ssp_actor"

    def encode(self, obj: Actor) -> dict[str, Any]:
        return asdict(obj)

    def decode(self, data: dict[str, Any]) -> Actor:
        return Actor(**data)


class DateAsISO(Transcoding):
    """Stores calendar dates inside domain events."""

    type = date
    name = "ssp_date"

    def encode(self, obj: date) -> str:
        return obj.isoformat()

    def decode(self, data: str) -> date:
        return date.fromisoformat(data)


class TimeAsISO(Transcoding):
    """Stores times of day inside domain events."""

    type = time
    name = "ssp_time"

    def encode(self, obj: time) -> str:
        return obj.isoformat()

    def decode(self, data: str) -> time:
        return time.fromisoformat(data)


class RuleViolation(Exception):
    """A command broke a domain rule; the API answers 422 naming the rule and field."""

    status_code = 422

    def __init__(self, rule: str, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.rule = rule
        self.message = message
        self.field = field
        # Set by whoever already logged this refusal, so the error handler does not again.
        self.logged = False


def rule_of_error(kind: str) -> str:
    """A pydantic error type (``string_too_long``) as a rule id, kebab-case like every rule."""
    return kind.replace("_", "-")


class StateConflict(RuleViolation):
    """A command does not fit the aggregate's current state (answered with 409)."""

    status_code = 409


class Forbidden(RuleViolation):
    """The caller may not do this here: outside their role or scope (answered with 403)."""

    status_code = 403


class Unauthenticated(RuleViolation):
    """No valid bearer token (answered with 401 and a Bearer challenge)."""

    status_code = 401


class Refused(RuleViolation):
    """A request refused with another 4xx status (413, 415, ...), or with row-level errors."""

    def __init__(
        self,
        status: int,
        rule: str,
        message: str,
        field: str | None = None,
        errors: list[dict[str, Any]] | None = None,
    ) -> None:
        super().__init__(rule, message, field)
        self.status_code = status
        self.errors = errors


class NotFound(Exception):
    """No record with that id (answered with 404)."""


class EventContract(Protocol):
    """What checks a domain event against its published contract (the service's Translator)."""

    def check(self, event: Any) -> None:
        """Raise RuleViolation if ``event`` could not be published as its contract says."""


class ServiceApplication(Application):
    """Base of the services' eventsourcing applications: shared transcodings, contract check.

    Every event a command produces is translated and validated against its contract before
    anything is stored: an event the relay could not publish is refused here, with 422, and
    never reaches the outbox.
    """

    contract: ClassVar[EventContract | None] = None

    def _record(self, processing_event: ProcessingEvent[Any]) -> list[Recording[Any]]:
        if self.contract is not None:
            for event in processing_event.events:
                self.contract.check(event)
        recordings = super()._record(processing_event)
        # The command's answer names its position (SSP-Position); imported here, not at the
        # top, because the positions module itself uses this module's refusals.
        from services.runtime.positions import note_position

        note_position([r.notification.id for r in recordings])
        return recordings

    @functools.cached_property
    def subjects(self) -> "SubjectKeys":
        """The store's subject keys (crypto-shredding), connected on first use."""
        from services.runtime.subjects import subject_keys_for

        return subject_keys_for(self.name.lower(), self.env)

    @functools.cached_property
    def records(self) -> "RecordKeys":
        """The store's record keys (each record's free text under its own key)."""
        from services.runtime.record_keys import record_keys_for

        return record_keys_for(self.subjects, self.env)

    def sealed_refs(self, refs: list[str], field: str) -> list[str]:
        """Subject references each sealed under its own subject's key, as ``field``."""
        return [self.subjects.seal(ref, field, ref) for ref in refs]

    def load(self, kind: type[A], record_id: UUID, what: str | None = None) -> A:
        """The record ``record_id`` of ``kind``; NotFound (naming ``what``) if absent or other."""
        try:
            record: object = self.repository.get(record_id)
        except AggregateNotFoundError:
            raise NotFound(what or f"no {kind.__name__} {record_id}") from None
        if not isinstance(record, kind):
            raise NotFound(what or f"no {kind.__name__} {record_id}")
        return record

    def exists(self, record_id: UUID) -> bool:
        """Whether any record has the id ``record_id``."""
        return record_id in self.repository

    def history(self, kind: type[Aggregate], record_id: UUID) -> list[Any]:
        """Every event of the record, oldest first."""
        self.load(kind, record_id)
        return list(self.events.get(record_id))

    def register_transcodings(self, transcoder: JSONTranscoder) -> None:
        super().register_transcodings(transcoder)
        transcoder.register(ActorAsDict())
        transcoder.register(DateAsISO())
        transcoder.register(TimeAsISO())
