"""Commands on search records."""

from datetime import datetime
from typing import cast
from uuid import UUID

from ssp_contracts.events.incidents import SeriousFind
from ssp_contracts.vocab import SERIOUS_SEARCH_OBJECTS

from services.incidents.domain.incident import Incident
from services.incidents.domain.search import Search, SearchFacts
from services.runtime.domain import Actor, RuleViolation, ServiceApplication


class SearchCommands(ServiceApplication):
    """Record a search and the parents' notice."""

    def record_search(self, facts: SearchFacts, *, now: datetime, actor: Actor) -> UUID:
        """Record a search of a person; a linked incident must be at the same school."""
        incident = None
        if facts.incident_id is not None:
            incident = self.load(Incident, UUID(facts.incident_id))
            if incident.school_id != facts.school_id:
                raise RuleViolation(
                    "same-school", "the incident belongs to another school", "incident_id"
                )
            facts = facts.with_incident(str(incident.id))
        search = Search.record(facts, now=now, actor=actor)
        find = SERIOUS_SEARCH_OBJECTS.get(facts.object_of_search)
        if incident is not None and find is not None and facts.found and facts.found.strip():
            # "Offensive weapons and drugs seized or found will be reported to the head teacher"
            kind = cast(SeriousFind, find)
            incident.record_find("search_found", kind, str(search.id), facts.searched_at, actor)
            self.save(incident, search)
        else:
            self.save(search)
        return search.id

    def get_search(self, search_id: UUID) -> Search:
        """The search record as it stands now."""
        return self.load(Search, search_id)

    def inform_parents(
        self, search_id: UUID, *, informed_at: datetime, now: datetime, actor: Actor
    ) -> UUID:
        """Record that school staff informed the parents of the pupil searched."""
        search = self.get_search(search_id)
        search.inform_parents(informed_at, now, actor)
        self.save(search)
        return search.id

    def rectify_search(
        self, search_id: UUID, *, field: str, value: str, reason: str, now: datetime, actor: Actor
    ) -> UUID:
        """Correct a personal detail of the search; the original stays in its history."""
        search = self.get_search(search_id)
        search.rectify(field, value, reason, now, actor)
        self.save(search)
        return search.id
