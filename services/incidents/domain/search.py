"""The search record of a person searched, and parents' notice.

A search by the officer is the police record (MPS Form 5090, PACE Code A 4.3): the form's
reference, the officer's number and station and whether a receipt was offered are required.
A search by school staff is the school's own record: no police form, the officer optional.
"""

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
    officer_id: str | None
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
    # The police form (Form 5090); None on the school's own records and older police ones.
    form_reference: str | None = None
    officer_number: str | None = None
    station: str | None = None
    receipt_offered: bool | None = None

    @property
    def by_officer(self) -> bool:
        """The officer's own search: the police record."""
        return self.searched_by == "officer"

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
# What only the police form records (PACE Code A 4.3: who searched, where they serve from).
POLICE_FORM = ("form_reference", "officer_number", "station", "receipt_offered")


def person_subject(search_id: UUID) -> str:
    """The subject reference of a person searched who is not a pupil: one per search."""
    return f"person-{search_id.hex}"


class Search(Aggregate):
    """One search of a person; personal details stay in the encrypted store."""

    class Recorded(SearchFacts, Aggregate.Created):
        """The facts stored flat, one attribute each, as they always were, with the actor."""

        actor: Actor

        class_version = 2

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            """Recorded before the police form's own fields were kept."""
            state.update(dict.fromkeys(POLICE_FORM))

        def apply(self, aggregate: Any) -> None:
            """Give the new search its facts (eventsourcing calls this after ``__init__``)."""
            aggregate.facts = SearchFacts(
                **{f.name: getattr(self, f.name) for f in fields(SearchFacts)}
            )

    class ParentsInformed(Aggregate.Event):
        school_id: str
        informed_at: datetime
        actor: Actor
        by_school: bool  # of the school's own search: published only where the school's are

        class_version = 2

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            """Informed before school searches were the school's own: published as police."""
            state.update(by_school=False)

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
        check_police_form(facts)
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
        self._parents_informed(self.school_id, informed_at, actor, not self.facts.by_officer)

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
    def _parents_informed(
        self, school_id: str, informed_at: datetime, actor: Actor, by_school: bool
    ) -> None:
        self.parents_informed_at = informed_at


def check_police_form(facts: SearchFacts) -> None:
    """The officer's search carries the police form's fields; the school's carries none."""
    if not facts.by_officer:
        for name in POLICE_FORM:
            if getattr(facts, name) is not None:
                raise RuleViolation(
                    "school-search-record",
                    "a search by school staff is the school's record, not a police form",
                    name,
                )
        return
    if facts.officer_id is None:
        raise RuleViolation("police-search-record", "the officer who searched is required",
                            "officer_id")  # fmt: skip
    for name in POLICE_FORM:
        value = getattr(facts, name)
        if value is None or (isinstance(value, str) and not value.strip()):
            # "Where the SSPO searches a pupil a record of the search will be made on MPS
            # Form 5090": a police record names its form, the officer and their station.
            raise RuleViolation(
                "police-search-record", f"the police search record needs {name}", name
            )
