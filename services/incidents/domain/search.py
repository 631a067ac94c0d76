"""The search record of a person searched (the police search form), and parents' notice."""

from datetime import datetime
from typing import Any

from eventsourcing.domain import Aggregate, event

from services.incidents.domain.rules import check_not_before, check_not_future
from services.runtime.domain import Actor, RuleViolation, StateConflict

NO_FURTHER_ACTION = "A no further action disposal"


class Search(Aggregate):
    """One search of a person; personal details stay in the encrypted store."""

    class Recorded(Aggregate.Created):
        school_id: str
        incident_id: str | None
        searched_by: str
        officer_id: str
        searched_at: datetime
        location_kind: str
        place_description: str
        latitude: float | None
        longitude: float | None
        pupil_ref: str | None
        person: str
        legislation: str
        object_of_search: str
        grounds: str
        gender: str
        age_range: str
        self_defined_ethnicity: str
        officer_defined_ethnicity: str
        outcome: str
        outcome_linked_to_object_of_search: bool
        removal_of_more_than_outer_clothing: bool
        found: str | None
        injury_or_damage: str | None
        actor: Actor

    class ParentsInformed(Aggregate.Event):
        school_id: str
        informed_at: datetime
        actor: Actor

    @classmethod
    def record(cls, *, now: datetime, **facts: Any) -> "Search":
        """A new search record; grounds are required and the time cannot be in the future."""
        check_not_future(facts["searched_at"], now, "searched_at")
        if not str(facts.get("grounds") or "").strip():
            raise RuleViolation("search-grounds", "grounds for the search are required", "grounds")
        if not str(facts.get("person") or "").strip():
            raise RuleViolation(
                "search-person",
                "the name of the person searched, or a description, is required",
                "person",
            )
        if facts["outcome"] == NO_FURTHER_ACTION and facts["outcome_linked_to_object_of_search"]:
            raise RuleViolation(
                "outcome-link",
                "a no further action disposal cannot be linked to the object of search",
                "outcome_linked_to_object_of_search",
            )
        return cls(**facts)

    @event(Recorded)
    def __init__(
        self,
        *,
        school_id: str,
        incident_id: str | None,
        searched_by: str,
        officer_id: str,
        searched_at: datetime,
        location_kind: str,
        place_description: str,
        latitude: float | None,
        longitude: float | None,
        pupil_ref: str | None,
        person: str,
        legislation: str,
        object_of_search: str,
        grounds: str,
        gender: str,
        age_range: str,
        self_defined_ethnicity: str,
        officer_defined_ethnicity: str,
        outcome: str,
        outcome_linked_to_object_of_search: bool,
        removal_of_more_than_outer_clothing: bool,
        found: str | None,
        injury_or_damage: str | None,
        actor: Actor,
    ) -> None:
        self.school_id = school_id
        self.incident_id = incident_id
        self.searched_by = searched_by
        self.officer_id = officer_id
        self.searched_at = searched_at
        self.location_kind = location_kind
        self.place_description = place_description
        self.latitude = latitude
        self.longitude = longitude
        self.pupil_ref = pupil_ref
        self.person = person
        self.legislation = legislation
        self.object_of_search = object_of_search
        self.grounds = grounds
        self.gender = gender
        self.age_range = age_range
        self.self_defined_ethnicity = self_defined_ethnicity
        self.officer_defined_ethnicity = officer_defined_ethnicity
        self.outcome = outcome
        self.outcome_linked_to_object_of_search = outcome_linked_to_object_of_search
        self.removal_of_more_than_outer_clothing = removal_of_more_than_outer_clothing
        self.found = found
        self.injury_or_damage = injury_or_damage
        self.recorded_by = actor.id
        self.parents_informed_at: datetime | None = None

    def inform_parents(self, informed_at: datetime, now: datetime, actor: Actor) -> None:
        """Record that school staff informed the pupil's parents."""
        self.check_parents_can_be_informed()
        check_not_future(informed_at, now, "informed_at")
        check_not_before(informed_at, self.searched_at, "informed_at", "the search")
        self._parents_informed(self.school_id, informed_at, actor)

    def check_parents_can_be_informed(self) -> None:
        """Only a pupil's parents are told, and only once."""
        if self.pupil_ref is None:
            raise RuleViolation(
                "parents-of-pupil", "the person searched is not a pupil", "informed_at"
            )
        if self.parents_informed_at is not None:
            raise StateConflict("parents-informed", "the parents' notice is already recorded")

    @event(ParentsInformed)
    def _parents_informed(self, school_id: str, informed_at: datetime, actor: Actor) -> None:
        self.parents_informed_at = informed_at
