"""The search record of a person searched (the police search form), and parents' notice."""

from dataclasses import asdict, dataclass, fields, replace
from datetime import datetime
from typing import Any
from uuid import UUID, uuid4

from eventsourcing.domain import Aggregate, event
from ssp_contracts.events.incidents import LocationKind, SearchedBy
from ssp_contracts.vocab import (
    AgeRange,
    Gender,
    Legislation,
    ObjectOfSearch,
    OfficerDefinedEthnicity,
    SearchOutcome,
    SelfDefinedEthnicity,
)

from services.incidents.domain.rectification import check_rectification
from services.incidents.domain.rules import check_not_before, check_not_future
from services.runtime.domain import Actor, RuleViolation, StateConflict

NO_FURTHER_ACTION = "A no further action disposal"


@dataclass(frozen=True, kw_only=True)
class SearchFacts:
    """What the search form records: the command's argument and the stored event's fields."""

    school_id: str
    incident_id: str | None
    searched_by: SearchedBy
    officer_id: str
    searched_at: datetime
    location_kind: LocationKind
    place_description: str
    latitude: float | None
    longitude: float | None
    pupil_ref: str | None
    person: str
    legislation: Legislation
    object_of_search: ObjectOfSearch
    grounds: str
    gender: Gender
    age_range: AgeRange
    self_defined_ethnicity: SelfDefinedEthnicity
    officer_defined_ethnicity: OfficerDefinedEthnicity
    outcome: SearchOutcome
    outcome_linked_to_object_of_search: bool
    removal_of_more_than_outer_clothing: bool
    found: str | None
    injury_or_damage: str | None

    def with_incident(self, incident_id: str) -> "SearchFacts":
        """The same facts linked to ``incident_id`` (its canonical form)."""
        return replace(self, incident_id=incident_id)


# Who was searched, why, where exactly and what was found: shown to some roles only.
PERSONAL = frozenset({"person", "grounds", "found", "injury_or_damage", "place_description"})
# Sealed under the subject's own key (runtime/subjects.py): the personal details and the
# pupil's reference; the subject is the pupil, or for anyone else ``person_subject(id)``.
SEALED = PERSONAL | {"pupil_ref"}
# The other facts, in form order: what lists and the case index show.
PUBLIC = tuple(f.name for f in fields(SearchFacts) if f.name not in PERSONAL)


def person_subject(search_id: UUID) -> str:
    """The subject reference of a person searched who is not a pupil: one per search."""
    return f"person-{search_id.hex}"


class Search(Aggregate):
    """One search of a person; personal details stay in the encrypted store."""

    class Recorded(SearchFacts, Aggregate.Created):
        """The facts stored flat, one attribute each, as they always were, with the actor."""

        actor: Actor

        def apply(self, aggregate: Any) -> None:
            """Give the new search its facts (eventsourcing calls this after ``__init__``)."""
            aggregate.facts = SearchFacts(
                **{f.name: getattr(self, f.name) for f in fields(SearchFacts)}
            )

    class ParentsInformed(Aggregate.Event):
        school_id: str
        informed_at: datetime
        actor: Actor

    class Rectified(Aggregate.Event):
        school_id: str
        field: str
        value: str
        reason: str
        rectified_at: datetime
        actor: Actor

    def __init__(self, actor: Actor) -> None:
        # Declared, not set: Recorded.apply sets it (class annotations would make a dataclass).
        self.facts: SearchFacts
        self.recorded_by = actor.id
        self.parents_informed_at: datetime | None = None

    @classmethod
    def record(
        cls, facts: SearchFacts, *, now: datetime, actor: Actor, id: UUID | None = None
    ) -> "Search":
        """A new search record of ``facts`` (checked with ``check`` before they were sealed)."""
        cls.check(facts, now=now)
        return cls._create(Search.Recorded, id=id or uuid4(), **asdict(facts), actor=actor)

    @staticmethod
    def check(facts: SearchFacts, *, now: datetime) -> None:
        """Grounds and person are required, the time cannot be in the future."""
        check_not_future(facts.searched_at, now, "searched_at")
        if not facts.grounds.strip():
            raise RuleViolation("search-grounds", "grounds for the search are required", "grounds")
        if not facts.person.strip():
            raise RuleViolation(
                "search-person",
                "the name of the person searched, or a description, is required",
                "person",
            )
        if facts.outcome == NO_FURTHER_ACTION and facts.outcome_linked_to_object_of_search:
            raise RuleViolation(
                "outcome-link",
                "a no further action disposal cannot be linked to the object of search",
                "outcome_linked_to_object_of_search",
            )

    @property
    def school_id(self) -> str:
        """The school the search was made at (or next to)."""
        return self.facts.school_id

    def inform_parents(self, informed_at: datetime, now: datetime, actor: Actor) -> None:
        """Record that school staff informed the pupil's parents."""
        self.check_parents_can_be_informed()
        check_not_future(informed_at, now, "informed_at")
        check_not_before(informed_at, self.facts.searched_at, "informed_at", "the search")
        self._parents_informed(self.school_id, informed_at, actor)

    def check_parents_can_be_informed(self) -> None:
        """Only a pupil's parents are told, and only once."""
        if self.facts.pupil_ref is None:
            raise RuleViolation(
                "parents-of-pupil", "the person searched is not a pupil", "informed_at"
            )
        if self.parents_informed_at is not None:
            raise StateConflict("parents-informed", "the parents' notice is already recorded")

    def rectify(self, field: str, value: str, reason: str, now: datetime, actor: Actor) -> None:
        """Correct a personal detail of the search; the original stays in the history."""
        check_rectification(field, PERSONAL, getattr(self.facts, field, None), value, reason)
        self._rectified(self.school_id, field, value, reason.strip(), now, actor)

    @event(Rectified)
    def _rectified(
        self,
        school_id: str,
        field: str,
        value: str,
        reason: str,
        rectified_at: datetime,
        actor: Actor,
    ) -> None:
        corrected: dict[str, Any] = {field: value}
        self.facts = replace(self.facts, **corrected)

    @event(ParentsInformed)
    def _parents_informed(self, school_id: str, informed_at: datetime, actor: Actor) -> None:
        self.parents_informed_at = informed_at
