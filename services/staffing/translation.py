"""Domain events of the staffing service mapped to their contract events."""

from ssp_contracts.events import actors
from ssp_contracts.events import staffing as c

from services.runtime.actors_api import ActorResolution, resolved_payload
from services.runtime.translation import Translator
from services.staffing.domain.calendar import TermCalendar
from services.staffing.domain.deployment import Deployment
from services.staffing.domain.officer import Officer
from services.staffing.domain.school import School

translator = Translator(source="/ssp/staffing")
# The officer's share bookkeeping travels on the deployment events themselves.
translator.internal(Officer.ShareAllocated, Officer.ShareReleased)


@translator.maps(School.Registered)
def _school_registered(e: School.Registered) -> c.SchoolRegistered:
    return c.SchoolRegistered(
        school_id=e.school_id,
        name=e.name,
        borough=e.borough,
        phase=e.phase,
        pupil_count=e.pupil_count,
        programme=e.programme,
    )


@translator.maps(School.ClusterFormed)
def _cluster_formed(e: School.ClusterFormed) -> c.ClusterFormed:
    return c.ClusterFormed(
        school_id=e.school_id, borough=e.borough, primary_school_ids=e.primary_school_ids
    )


@translator.maps(School.ProtocolSigned)
def _protocol_signed(e: School.ProtocolSigned) -> c.ProtocolSigned:
    # The signatories' names stay in the store; the version says which text was signed.
    return c.ProtocolSigned(
        school_id=e.school_id, borough=e.borough, signed_on=e.signed_on, review_due=e.review_due,
        version=e.version,
    )  # fmt: skip


@translator.maps(School.CensusRecorded)
def _census(e: School.CensusRecorded) -> c.SchoolCensusRecorded:
    return c.SchoolCensusRecorded(
        school_id=e.school_id,
        borough=e.borough,
        census_date=e.census_date,
        pupils_by_ethnicity=e.pupils_by_ethnicity,  # type: ignore[arg-type]
    )


@translator.maps(School.Reviewed)
def _reviewed(e: School.Reviewed) -> c.PartnershipReviewed:
    return c.PartnershipReviewed(
        school_id=e.school_id,
        borough=e.borough,
        held_on=e.held_on,
        next_review_due=e.next_review_due,
        actions_agreed=len(e.actions),  # minutes and actions are free text: only the count
    )


@translator.maps(Officer.Registered)
def _officer_registered(e: Officer.Registered) -> c.OfficerRegistered:
    return c.OfficerRegistered(
        officer_id=e.officer_id,
        rank=e.rank,
        borough=e.borough,
        selection_panel=e.selection_panel,
    )


@translator.maps(Officer.TrainingCompleted)
def _training(e: Officer.TrainingCompleted) -> c.TrainingModuleCompleted:
    return c.TrainingModuleCompleted(
        officer_id=e.officer_id,
        borough=e.borough,
        module=e.module,
        completed_on=e.completed_on,
        modules_completed=e.modules_completed,
        catalogue_size=e.catalogue_size,
    )


@translator.maps(Officer.RingFenced)
def _ring_fenced(e: Officer.RingFenced) -> c.OfficerRingFenced:
    return c.OfficerRingFenced(
        officer_id=e.officer_id,
        borough=e.borough,
        ring_fenced_from=e.ring_fenced_from,
        authorised_by=e.authorised_by,
    )


@translator.maps(Officer.RingFenceLifted)
def _ring_fence_lifted(e: Officer.RingFenceLifted) -> c.RingFenceLifted:
    # The free-text note stays in the service: it may name people.
    return c.RingFenceLifted(
        officer_id=e.officer_id,
        borough=e.borough,
        ring_fenced_from=e.ring_fenced_from,
        lifted_on=e.lifted_on,
        reason=e.reason,
    )


@translator.maps(Deployment.Deployed)
def _deployed(e: Deployment.Deployed) -> c.OfficerDeployed:
    return c.OfficerDeployed(
        deployment_id=str(e.originator_id),
        officer_id=e.officer_id,
        borough=e.borough,
        school_ids=e.school_ids,
        share_percent=e.share_percent,
        start_date=e.start_date,
        tenure_end=e.tenure_end,
        rank=e.rank,
        to_cluster=e.to_cluster,
    )


@translator.maps(Deployment.Extended)
def _extended(e: Deployment.Extended) -> c.DeploymentExtended:
    return c.DeploymentExtended(
        deployment_id=str(e.originator_id),
        officer_id=e.officer_id,
        borough=e.borough,
        school_ids=e.school_ids,
        previous_tenure_end=e.previous_tenure_end,
        tenure_end=e.tenure_end,
    )


@translator.maps(Deployment.Ended)
def _ended(e: Deployment.Ended) -> c.DeploymentEnded:
    # The reason goes out as its code; the free-text note stays in the service.
    return c.DeploymentEnded(
        deployment_id=str(e.originator_id),
        officer_id=e.officer_id,
        school_ids=e.school_ids,
        ended_on=e.ended_on,
        reason=e.reason,
        borough=e.borough,
    )


@translator.maps(TermCalendar.Published, TermCalendar.Revised)
def _calendar(e: TermCalendar.Published | TermCalendar.Revised) -> c.TermCalendarSet:
    return c.TermCalendarSet(
        borough=e.borough,
        term=e.term,
        starts_on=e.starts_on,
        ends_on=e.ends_on,
        holidays=[c.Holiday(**h) for h in e.holidays],
    )


# Roster, abstraction and absence mappings live in their own module; importing it registers them.
from services.staffing import translation_rosters  # noqa: E402, F401


@translator.maps(ActorResolution.Resolved)
def _actor_resolved(e: ActorResolution.Resolved) -> actors.StaffingActorResolved:
    # The auditor's reason stays in the store; the audit trail learns pseudonym and purpose.
    return resolved_payload(e, actors.StaffingActorResolved)
