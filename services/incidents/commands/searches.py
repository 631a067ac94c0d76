"""Commands on search records."""

from dataclasses import replace
from datetime import datetime
from typing import Any, cast
from uuid import UUID, uuid4

from ssp_contracts.events.incidents import SeriousFind
from ssp_contracts.vocab import SERIOUS_SEARCH_OBJECTS

from services.incidents.domain.incident import Incident
from services.incidents.domain.rectification import check_rectification
from services.incidents.domain.search import (
    PERSONAL,
    SEALED,
    Search,
    SearchFacts,
    person_subject,
)
from services.runtime.domain import Actor, RuleViolation, ServiceApplication, StateConflict
from services.runtime.retention import retain
from services.runtime.sealed import ERASED


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
        Search.check(facts, now=now)  # before sealing: a sealed blank is no longer blank
        search_id = uuid4()
        subject = facts.pupil_ref or person_subject(search_id)
        sealed: dict[str, Any] = self.subjects.seal_fields(
            subject, {f: getattr(facts, f) for f in SEALED}
        )
        search = Search.record(replace(facts, **sealed), now=now, actor=actor, id=search_id)
        find = SERIOUS_SEARCH_OBJECTS.get(facts.object_of_search)
        if incident is not None and find is not None and facts.found and facts.found.strip():
            # "Offensive weapons and drugs seized or found will be reported to the head teacher"
            kind = cast(SeriousFind, find)
            incident.record_find("search_found", kind, str(search.id), facts.searched_at, actor)
            self.save(incident, search)
        else:
            self.save(search)
        retain(self.subjects, subject, "search", facts.searched_at)
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
        """Correct a personal detail of the search; the original stays in its history. The new
        value and the reason are sealed under the search's subject's key, as the original was."""
        search = self.get_search(search_id)
        pupil = self.subjects.open(search.facts.pupil_ref, "pupil_ref")
        if pupil == ERASED:
            raise StateConflict("subject-erased", "the person searched has been erased", "field")
        subject = pupil or person_subject(search.id)
        old = self.subjects.open(getattr(search.facts, field, None), field)
        check_rectification(field, PERSONAL, old, value, reason)
        sealed = self.subjects.seal(subject, field, value)
        search.rectify(field, sealed, self.subjects.seal(subject, "reason", reason), now, actor)
        self.save(search)
        return search.id
