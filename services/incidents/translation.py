"""Domain events of the incidents service mapped to their contract events.

Free text (descriptions, grounds, justifications, notes) and the name or description of a
person searched never leave the service: the mappers below simply do not copy them. A pupil's
reference leaves as the subject's pseudonym, read from the sealed value recorded at write time
(``subjects.published``), so the events of an erased subject still translate.
"""

from typing import Any

from ssp_contracts.events import incidents as c
from ssp_contracts.events.erasure import IncidentsSubjectErased
from ssp_contracts.vocab import SERIOUS_CATEGORIES

from services.incidents.api.export import coarsen
from services.incidents.domain.arrest import Arrest
from services.incidents.domain.evidence import EvidenceItem
from services.incidents.domain.hours import SchoolHours
from services.incidents.domain.incident import Incident
from services.incidents.domain.indicators import TermIndicators
from services.incidents.domain.search import Search
from services.runtime.erasure import map_erasures
from services.runtime.subjects import published
from services.runtime.translation import Translator

translator = Translator(source="/ssp/incidents")
map_erasures(translator, IncidentsSubjectErased)


def _ids(e: Any) -> dict[str, str]:
    return {"incident_id": str(e.originator_id), "school_id": e.school_id}


@translator.maps(Incident.Reported)
def _reported(e: Incident.Reported) -> c.IncidentReported:
    return c.IncidentReported(
        **_ids(e),
        occurred_at=e.occurred_at,
        location_kind=e.location_kind,
        place=e.place,
        category=e.category,
        came_to_notice=e.came_to_notice,
        pupil_refs=[published(r) for r in e.pupil_refs],
        serious=e.category in SERIOUS_CATEGORIES,
        outside_protocol_hours=e.outside_protocol_hours,
        allegation_against_staff=e.allegation_against_staff,
    )


@translator.maps(Incident.HeadTeacherNotified)
def _notified(e: Incident.HeadTeacherNotified) -> c.IncidentHeadTeacherNotified:
    return c.IncidentHeadTeacherNotified(**_ids(e), notified_at=e.notified_at)


@translator.maps(Incident.ElectedInternal)
def _elected(e: Incident.ElectedInternal) -> c.SchoolElectedToDealInternally:
    return c.SchoolElectedToDealInternally(**_ids(e), elected_at=e.elected_at)


@translator.maps(Incident.StaffConsultationRecorded)
def _consulted(e: Incident.StaffConsultationRecorded) -> c.StaffAllegationConsultationRecorded:
    return c.StaffAllegationConsultationRecorded(
        **_ids(e),
        consulted=e.consulted,
        consulted_at=e.consulted_at,
    )


@translator.maps(Incident.PoliceActionRecorded)
def _action(e: Incident.PoliceActionRecorded) -> c.PoliceActionRecorded:
    # The justification is free text; only the fact that one was needed travels.
    return c.PoliceActionRecorded(
        **_ids(e),
        action=e.action,
        taken_at=e.taken_at,
        after_internal_election=e.justification is not None,
    )


@translator.maps(Incident.RestorativeConferenceHeld)
def _conference(e: Incident.RestorativeConferenceHeld) -> c.RestorativeConferenceHeld:
    return c.RestorativeConferenceHeld(
        **_ids(e),
        held_at=e.held_at,
        outcome=e.outcome,
        pupil_refs=[published(r) for r in e.pupil_refs],
    )


@translator.maps(Incident.Closed)
def _closed(e: Incident.Closed) -> c.IncidentClosed:
    return c.IncidentClosed(**_ids(e), closed_at=e.closed_at, outcome=e.outcome)


@translator.maps(EvidenceItem.Seized)
def _seized(e: EvidenceItem.Seized) -> c.EvidenceSeized:
    return c.EvidenceSeized(
        incident_id=e.incident_id,
        school_id=e.school_id,
        item_id=str(e.originator_id),
        kind=e.kind,
        seized_at=e.seized_at,
        holder=e.holder,
        holder_id=e.holder_id,
    )


@translator.maps(EvidenceItem.Transferred)
def _transferred(e: EvidenceItem.Transferred) -> c.EvidenceTransferred:
    return c.EvidenceTransferred(
        incident_id=e.incident_id,
        school_id=e.school_id,
        item_id=str(e.originator_id),
        transfer=e.transfer,
        from_holder=e.from_holder,
        from_id=e.from_id,
        to_holder=e.to_holder,
        to_id=e.to_id,
        transferred_at=e.transferred_at,
    )


@translator.maps(Arrest.Made)
def _arrest(e: Arrest.Made) -> c.ArrestMade:
    return c.ArrestMade(
        incident_id=e.incident_id,
        school_id=e.school_id,
        arrest_id=str(e.originator_id),
        pupil_ref=published(e.pupil_ref),
        arrested_at=e.arrested_at,
        on_premises=e.on_premises,
    )


@translator.maps(Arrest.HeadTeacherInformed)
def _arrest_informed(e: Arrest.HeadTeacherInformed) -> c.ArrestHeadTeacherInformed:
    return c.ArrestHeadTeacherInformed(
        incident_id=e.incident_id,
        school_id=e.school_id,
        arrest_id=str(e.originator_id),
        informed_at=e.informed_at,
    )


@translator.maps(TermIndicators.Submitted)
def _indicators(e: TermIndicators.Submitted) -> c.SchoolIndicatorsSubmitted:
    return c.SchoolIndicatorsSubmitted(
        school_id=e.school_id,
        term=e.term,
        revision=e.originator_version,
        supersedes=None,
        counts=c.IndicatorCounts(**e.counts),
        submitted_at=e.submitted_at,
    )


@translator.maps(TermIndicators.Corrected)
def _corrected(e: TermIndicators.Corrected) -> c.SchoolIndicatorsSubmitted:
    # Revisions are numbered by version: each correction supersedes the one before it.
    return c.SchoolIndicatorsSubmitted(
        school_id=e.school_id,
        term=e.term,
        revision=e.originator_version,
        supersedes=e.originator_version - 1,
        counts=c.IndicatorCounts(**e.counts),
        submitted_at=e.submitted_at,
    )


@translator.maps(SchoolHours.Set, SchoolHours.Changed)
def _hours(e: SchoolHours.Set | SchoolHours.Changed) -> c.ProtocolHoursSet:
    return c.ProtocolHoursSet(
        school_id=e.school_id,
        starts=e.starts,
        ends=e.ends,
        school_days=e.school_days,
        closed_dates=e.closed_dates,
    )


@translator.maps(Search.Recorded)
def _search(e: Search.Recorded) -> c.SearchRecorded:
    # The person, grounds, exact place and what was found stay in the encrypted store.
    return c.SearchRecorded(
        search_id=str(e.originator_id),
        school_id=e.school_id,
        incident_id=e.incident_id,
        searched_by=e.searched_by,
        officer_id=e.officer_id,
        searched_at=e.searched_at,
        location_kind=e.location_kind,
        latitude=coarsen(e.latitude),
        longitude=coarsen(e.longitude),
        pupil_ref=published(e.pupil_ref),
        legislation=e.legislation,
        object_of_search=e.object_of_search,
        gender=e.gender,
        age_range=e.age_range,
        self_defined_ethnicity=e.self_defined_ethnicity,
        officer_defined_ethnicity=e.officer_defined_ethnicity,
        outcome=e.outcome,
        outcome_linked_to_object_of_search=e.outcome_linked_to_object_of_search,
        removal_of_more_than_outer_clothing=e.removal_of_more_than_outer_clothing,
        items_found=bool(e.found and e.found.strip()),
        injury_or_damage=bool(e.injury_or_damage and e.injury_or_damage.strip()),
    )


@translator.maps(Search.ParentsInformed)
def _parents(e: Search.ParentsInformed) -> c.SearchParentsInformed:
    return c.SearchParentsInformed(
        search_id=str(e.originator_id), school_id=e.school_id, informed_at=e.informed_at
    )
