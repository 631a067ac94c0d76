"""Commands on evidence and arrests, both tied to an incident."""

from datetime import datetime
from uuid import UUID

from ssp_contracts.events.incidents import EvidenceKind, EvidenceTransfer, SeriousFind
from ssp_contracts.vocab import SERIOUS_EVIDENCE_KINDS

from services.incidents.commands.text import police_action, retention_kind
from services.incidents.domain.arrest import Arrest
from services.incidents.domain.evidence import EvidenceItem, seize
from services.incidents.domain.incident import Incident
from services.incidents.domain.search import Search
from services.runtime.domain import Actor, RuleViolation, ServiceApplication
from services.runtime.retention import retain


class CustodyCommands(ServiceApplication):
    """Seize and move evidence; arrest and inform the head teacher."""

    def seize_evidence(
        self,
        *,
        incident_id: UUID,
        kind: EvidenceKind,
        description: str,
        seized_at: datetime,
        justification: str | None,
        now: datetime,
        actor: Actor,
        search_id: UUID | None = None,
    ) -> UUID:
        """Record an item seized by staff (initial care) or by the officer (a police action)."""
        incident = self.load(Incident, incident_id)
        incident.check_open()
        if search_id is not None:
            self._check_found_in(self.load(Search, search_id), incident)
        by_officer = actor.role == "school_officer"
        if by_officer:
            police_action(self, incident, "evidence_gathered", seized_at, justification, now, actor)
        facts = dict(
            now=now,
            seized_at=seized_at,
            incident_id=str(incident.id),
            school_id=incident.school_id,
            kind=kind,
            description=description,
            holder="officer" if by_officer else "school_staff",
            holder_id=actor.id,
            actor=actor,
            search_id=None if search_id is None else str(search_id),
        )
        draft = seize(**facts)  # type: ignore[arg-type]
        # The item's description under its own record key, shredded with the incident's pupils.
        text = self.records.seal(
            draft.id,
            {"description": description},
            names=incident.pupil_refs,
            retention=(retention_kind(incident.category, incident.serious), seized_at),
        )
        item = seize(id=draft.id, **{**facts, **text})  # type: ignore[arg-type]
        if kind in SERIOUS_EVIDENCE_KINDS:  # "weapons and drugs seized ... reported"
            find: SeriousFind = "drugs" if kind == "drugs" else "weapon"
            incident.record_find("evidence_seized", find, str(item.id), seized_at, actor)
        self.save(incident, item)  # the incident changed if the officer seized it or it is serious
        return item.id

    @staticmethod
    def _check_found_in(search: Search, incident: Incident) -> None:
        """An item found in a search belongs to that search's school and incident."""
        if search.facts.school_id != incident.school_id:
            raise RuleViolation("same-school", "the search was at another school", "search_id")
        if search.facts.incident_id not in (None, str(incident.id)):
            raise RuleViolation(
                "same-incident", "the search belongs to another incident", "search_id"
            )

    def get_evidence(self, item_id: UUID) -> EvidenceItem:
        """The item and its chain of custody."""
        return self.load(EvidenceItem, item_id)

    def transfer_evidence(
        self,
        item_id: UUID,
        *,
        transfer: EvidenceTransfer,
        to_id: str,
        transferred_at: datetime,
        now: datetime,
        actor: Actor,
    ) -> UUID:
        """Move the item along its chain of custody."""
        item = self.get_evidence(item_id)
        item.transfer(transfer, to_id, transferred_at, now, actor)
        if transfer != "handed_to_officer":
            # A disposal's reference (to whom it went back) may name a person: judged above in
            # clear, kept under the item's record key, shredded with the incident's pupils.
            incident = self.load(Incident, UUID(item.incident_id))
            to_id = self.records.seal_one(
                item.id,
                "holder_id",
                to_id,
                names=incident.pupil_refs,
                retention=(retention_kind(incident.category, incident.serious), item.seized_at),
            )
            item = self.get_evidence(item_id)
            item.transfer(transfer, to_id, transferred_at, now, actor)
        self.save(item)
        return item.id

    def make_arrest(
        self,
        *,
        incident_id: UUID,
        pupil_ref: str,
        arrested_at: datetime,
        on_premises: bool,
        necessity: str | None,
        now: datetime,
        actor: Actor,
    ) -> UUID:
        """Record an arrest; it is a police action on the incident and obeys its limits."""
        incident = self.load(Incident, incident_id)
        sealed_pupil = self.subjects.seal(pupil_ref, "pupil_ref", pupil_ref)
        facts = dict(
            incident_id=str(incident.id),
            school_id=incident.school_id,
            pupil_ref=sealed_pupil,
            arrested_at=arrested_at,
            on_premises=on_premises,
            necessity=necessity,
            now=now,
            actor=actor,
        )
        draft = Arrest.make(**facts)  # type: ignore[arg-type]
        names = [sealed_pupil, *incident.pupil_refs]
        police_action(self, incident, "arrest", arrested_at, necessity, now, actor, names)
        text = self.records.seal(
            draft.id, {"necessity": draft.necessity}, names, ("arrest", arrested_at)
        )
        arrest = Arrest.make(id=draft.id, **{**facts, **text})  # type: ignore[arg-type]
        self.save(incident, arrest)
        retain(self.subjects, pupil_ref, "arrest", arrested_at)
        return arrest.id

    def get_arrest(self, arrest_id: UUID) -> Arrest:
        """The arrest as it stands now."""
        return self.load(Arrest, arrest_id)

    def inform_head_teacher_of_arrest(
        self, arrest_id: UUID, *, informed_at: datetime, now: datetime, actor: Actor
    ) -> UUID:
        """Record that the head teacher was informed of the arrest."""
        arrest = self.get_arrest(arrest_id)
        arrest.inform_head_teacher(informed_at, now, actor)
        self.save(arrest)
        return arrest.id
