"""Domain events of the incidents service mapped to their contract events.

Free text (descriptions, grounds, justifications, notes) and the name or description of a
person searched never leave the service: the mappers below simply do not copy them. A pupil's
reference leaves as the subject's pseudonym, read from the sealed value recorded at write time
(``subjects.published``), so the events of an erased subject still translate.
"""

from typing import Any

from ssp_contracts.events import actors
from ssp_contracts.events import incidents as c
from ssp_contracts.events.consultations import IncidentsDataConsulted, IncidentsDataRectified
from ssp_contracts.events.erasure import IncidentsSubjectErased
from ssp_contracts.vocab import SERIOUS_CATEGORIES

from services.incidents.api.export import coarsen, to_the_hour
from services.incidents.domain.activity import Activity
from services.incidents.domain.arrest import Arrest
from services.incidents.domain.evidence import EvidenceItem
from services.incidents.domain.handoff import HandOff
from services.incidents.domain.hours import SchoolHours
from services.incidents.domain.incident import Incident
from services.incidents.domain.incident_rules import referred_on_report
from services.incidents.domain.indicators import TermIndicators
from services.incidents.domain.safeguarding import SafeguardingReferral
from services.incidents.domain.search import Search
from services.runtime.actors_api import ActorResolution, resolved_payload
from services.runtime.consultations import publish_consultations
from services.runtime.erasure import map_erasures
from services.runtime.sealed import published
from services.runtime.translation import Translator

translator = Translator(source="/ssp/incidents")
publish_consultations(translator, IncidentsDataConsulted)
map_erasures(translator, IncidentsSubjectErased)


def _ids(e: Any) -> dict[str, str]:
    return {"incident_id": str(e.originator_id), "school_id": e.school_id}


@translator.maps(Incident.Reported)
def _reported(e: Incident.Reported) -> c.IncidentReportedV2 | c.SchoolIncidentRecorded:
    # Not referred: on the school-only topic, which police systems cannot read.
    police = referred_on_report(e.category, e.actor.role)
    contract = c.IncidentReportedV2 if police else c.SchoolIncidentRecorded
    return contract(
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


@translator.maps(Incident.Referred)
def _referred(e: Incident.Referred) -> c.IncidentReferred:
    facts = {**_ids(e), **e.facts, "referred_at": e.referred_at, "by_rule": e.by_rule}
    # The pupils as Kafka knows them: their pseudonyms (the store keeps them sealed).
    facts["pupil_refs"] = [published(r) for r in facts.get("pupil_refs", [])]
    return c.IncidentReferred.model_validate(facts)


@translator.maps(Incident.HeadTeacherNotified)
def _notified(
    e: Incident.HeadTeacherNotified,
) -> c.IncidentHeadTeacherNotified | c.SchoolIncidentHeadTeacherNotified:
    contract = c.IncidentHeadTeacherNotified if e.referred else c.SchoolIncidentHeadTeacherNotified
    return contract(**_ids(e), notified_at=e.notified_at)


@translator.maps(Incident.BecameSerious)
def _became_serious(e: Incident.BecameSerious) -> c.IncidentBecameSerious:
    return c.IncidentBecameSerious(
        **_ids(e), cause=e.cause, find=e.find, source_id=e.source_id, found_at=e.found_at
    )


@translator.maps(Incident.ElectedInternal)
def _elected(
    e: Incident.ElectedInternal,
) -> c.SchoolElectedToDealInternally | c.SchoolIncidentElectedInternal:
    contract = c.SchoolElectedToDealInternally if e.referred else c.SchoolIncidentElectedInternal
    return contract(**_ids(e), elected_at=e.elected_at)


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
        supervisor_review=e.supervisor_review,
    )


@translator.maps(Incident.PoliceActionsReviewed)
def _reviewed(e: Incident.PoliceActionsReviewed) -> c.PoliceActionsReviewed:
    # The supervisor's notes are free text and stay in the store.
    return c.PoliceActionsReviewed(**_ids(e), decision=e.decision, reviewed_at=e.reviewed_at)


@translator.maps(Incident.RestorativeConferenceHeld)
def _conference(
    e: Incident.RestorativeConferenceHeld,
) -> c.RestorativeConferenceHeld | c.SchoolRestorativeConferenceHeld:
    contract = c.RestorativeConferenceHeld if e.referred else c.SchoolRestorativeConferenceHeld
    return contract(
        **_ids(e),
        held_at=e.held_at,
        outcome=e.outcome,
        pupil_refs=[published(r) for r in e.pupil_refs],
    )


@translator.maps(Incident.Closed)
def _closed(e: Incident.Closed) -> c.IncidentClosed:
    return c.IncidentClosed(**_ids(e), closed_at=e.closed_at, outcome=e.outcome)


@translator.maps(EvidenceItem.Seized)
def _seized(e: EvidenceItem.Seized) -> c.EvidenceSeizedV2:
    # Who seized it travels as the actor's pseudonym in the headers, not as a holder id.
    return c.EvidenceSeizedV2(
        incident_id=e.incident_id,
        school_id=e.school_id,
        item_id=str(e.originator_id),
        kind=e.kind,
        seized_at=e.seized_at,
        holder=e.holder,
    )


@translator.maps(EvidenceItem.Transferred)
def _transferred(e: EvidenceItem.Transferred) -> c.EvidenceTransferredV2:
    # The property reference, or to whom the item went back, is free text: it stays here.
    return c.EvidenceTransferredV2(
        incident_id=e.incident_id,
        school_id=e.school_id,
        item_id=str(e.originator_id),
        transfer=e.transfer,
        from_holder=e.from_holder,
        to_holder=e.to_holder,
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
def _search(e: Search.Recorded) -> c.SearchRecorded | c.SchoolSearchRecorded:
    # The person, grounds, exact place and what was found stay in the encrypted store; so do
    # the police form's reference and the officer's number and station (they name the officer).
    if e.searched_by != "officer":
        return _school_search(e)
    return c.SearchRecorded(
        search_id=str(e.originator_id),
        school_id=e.school_id,
        incident_id=e.incident_id,
        searched_by=e.searched_by,
        officer_id=e.officer_id or "",  # required of the officer's search; blank fails closed
        # The hour is what the analysis needs (the day for the term); the minute stays here.
        searched_at=to_the_hour(e.searched_at),
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


def _school_search(e: Search.Recorded) -> c.SchoolSearchRecorded:
    # School staff's search is the school's record: on the school-only topic, never police.
    return c.SchoolSearchRecorded(
        search_id=str(e.originator_id),
        school_id=e.school_id,
        incident_id=e.incident_id,
        assisting_officer_id=e.officer_id,
        searched_at=to_the_hour(e.searched_at),
        location_kind=e.location_kind,
        pupil_ref=published(e.pupil_ref),
        object_of_search=e.object_of_search,
        gender=e.gender,
        age_range=e.age_range,
        self_defined_ethnicity=e.self_defined_ethnicity,
        outcome=e.outcome,
        items_found=bool(e.found and e.found.strip()),
        injury_or_damage=bool(e.injury_or_damage and e.injury_or_damage.strip()),
    )


@translator.maps(Search.ParentsInformed)
def _parents(e: Search.ParentsInformed) -> c.SearchParentsInformed:
    contract = c.SchoolSearchParentsInformed if e.by_school else c.SearchParentsInformed
    return contract(
        search_id=str(e.originator_id),
        school_id=e.school_id,
        informed_at=to_the_hour(e.informed_at),
    )


@translator.maps(Activity.Recorded)
def _activity(e: Activity.Recorded) -> c.ActivityRecorded:
    # The officer's summary is free text and stays in the store.
    return c.ActivityRecorded(
        activity_id=str(e.originator_id),
        school_id=e.school_id,
        officer_id=e.officer_id,
        kind=e.kind,
        started_at=e.started_at,
        minutes=e.minutes,
        pupils_reached=e.pupils_reached,
        partners=e.partners,
    )


@translator.maps(Activity.Withdrawn)
def _activity_withdrawn(e: Activity.Withdrawn) -> c.ActivityWithdrawn:
    return c.ActivityWithdrawn(
        activity_id=str(e.originator_id),
        school_id=e.school_id,
        reason=e.reason,
        withdrawn_at=e.withdrawn_at,
    )


@translator.maps(Incident.Rectified, Search.Rectified)
def _rectified(e: Incident.Rectified | Search.Rectified) -> IncidentsDataRectified:
    # Which field only: the old and new values and the reason are personal, and stay here.
    return IncidentsDataRectified(
        record_kind="incident" if isinstance(e, Incident.Rectified) else "search",
        record_id=str(e.originator_id),
        school_id=e.school_id,
        field=e.field,  # type: ignore[arg-type]  # checked against the vocabulary on save
        rectified_at=e.rectified_at,
    )


# Safeguarding: the pupil, the kind of concern, details and notes stay in the store.
@translator.maps(SafeguardingReferral.Made)
def _safeguarding(e: SafeguardingReferral.Made) -> c.SafeguardingReferralMade:
    return c.SafeguardingReferralMade(
        referral_id=str(e.originator_id), school_id=e.school_id, source=e.source,
        referred_at=e.referred_at, follow_up_due=e.follow_up_due,
    )  # fmt: skip


@translator.maps(SafeguardingReferral.OutcomeRecorded)
def _safeguarding_outcome(
    e: SafeguardingReferral.OutcomeRecorded,
) -> c.SafeguardingOutcomeRecorded:
    return c.SafeguardingOutcomeRecorded(
        referral_id=str(e.originator_id), school_id=e.school_id, outcome=e.outcome,
        recorded_at=e.recorded_at, follow_up_due=e.follow_up_due,
    )  # fmt: skip


@translator.maps(SafeguardingReferral.Closed)
def _safeguarding_closed(e: SafeguardingReferral.Closed) -> c.SafeguardingReferralClosed:
    return c.SafeguardingReferralClosed(
        referral_id=str(e.originator_id), school_id=e.school_id, closed_at=e.closed_at
    )


@translator.maps(HandOff.Made)
def _handed_off(e: HandOff.Made) -> c.IncidentHandedToResponse:
    # The response log's reference stays in the service; only referred incidents are handed.
    return c.IncidentHandedToResponse(
        incident_id=e.incident_id, school_id=e.school_id, handed_at=e.handed_at
    )


@translator.maps(ActorResolution.Resolved)
def _actor_resolved(e: ActorResolution.Resolved) -> actors.IncidentsActorResolved:
    # The auditor's reason stays in the store; the audit trail learns pseudonym and purpose.
    return resolved_payload(e, actors.IncidentsActorResolved)
