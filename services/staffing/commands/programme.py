"""Commands on the programme's records: schools, officers, deployments, calendars, absences."""

from datetime import date, datetime
from typing import Any
from uuid import UUID

from ssp_contracts.events.staffing import AbsenceKind, EndReason, LiftReason, PanelRole, Rank

from services.runtime.domain import Actor, RuleViolation, StateConflict
from services.staffing.domain.absence import Absence
from services.staffing.domain.calendar import Holiday, TermCalendar
from services.staffing.domain.deployment import Deployment
from services.staffing.domain.officer import Officer
from services.staffing.domain.school import School
from services.staffing.views.queries import StaffingQueries


class ProgrammeCommands(StaffingQueries):
    """Register schools and officers, deploy, publish calendars, notify absences."""

    def register_school(self, *, actor: Actor, **details: Any) -> UUID:
        """Register a school in the programme."""
        self.check_new(School.create_id(details["school_id"]), "school_id", "school")
        school = School(**details, actor=actor)
        self.save(school)
        return school.id

    def form_cluster(self, school_id: str, primary_school_ids: list[str], actor: Actor) -> UUID:
        """Make a secondary school the lead of a cluster of primary schools."""
        school = self.get_school(school_id)
        primaries = [self.get_school(p) for p in dict.fromkeys(primary_school_ids)]
        school.form_cluster(primaries, actor)
        self.save(school)
        return school.id

    def sign_protocol(
        self,
        school_id: str,
        signed_on: date,
        actor: Actor,
        head_teacher: str = "",
        borough_commander: str = "",
    ) -> UUID:
        """Record a new version of the school's partnership protocol and its signatories."""
        school = self.get_school(school_id)
        school.sign_protocol(signed_on, actor, head_teacher, borough_commander)
        self.save(school)
        return school.id

    def record_census(
        self, school_id: str, census_date: date, counts: dict[str, int], actor: Actor
    ) -> UUID:
        """Record a school's census counts by broad ethnic group."""
        school = self.get_school(school_id)
        school.record_census(census_date, counts, actor)
        self.save(school)
        return school.id

    def record_review(
        self,
        school_id: str,
        held_on: date,
        actor: Actor,
        minutes: str = "",
        actions: list[str] | None = None,
    ) -> UUID:
        """Record the annual review of the partnership, its minutes and agreed actions."""
        school = self.get_school(school_id)
        school.record_review(held_on, actor, minutes, actions)
        self.save(school)
        return school.id

    def register_officer(
        self,
        *,
        officer_id: str,
        rank: Rank,
        borough: str,
        selection_panel: list[PanelRole],
        actor: Actor,
    ) -> UUID:
        """Register an officer appointed by a selection panel."""
        self.check_new(Officer.create_id(officer_id), "officer_id", "officer")
        officer = Officer.register(officer_id, rank, borough, selection_panel, actor)
        self.save(officer)
        return officer.id

    def complete_training(
        self, officer_id: str, module: int, completed_on: date, actor: Actor
    ) -> UUID:
        """Record a training module the officer completed."""
        officer = self.get_officer(officer_id)
        officer.complete_training(module, completed_on, self.config.training_modules, actor)
        self.save(officer)
        return officer.id

    def ring_fence(
        self, officer_id: str, ring_fenced_from: date, authorised_by: str, actor: Actor
    ) -> UUID:
        """Ring-fence an officer against abstractions."""
        officer = self.get_officer(officer_id)
        officer.ring_fence(ring_fenced_from, authorised_by, actor)
        self.save(officer)
        return officer.id

    def lift_ring_fence(
        self, officer_id: str, lifted_on: date, reason: LiftReason, note: str, actor: Actor
    ) -> UUID:
        """Lift an officer's ring-fence, with a reason."""
        officer = self.get_officer(officer_id)
        officer.lift_ring_fence(lifted_on, reason, note, actor)
        self.save(officer)
        return officer.id

    def deploy(
        self,
        *,
        officer_id: str,
        school_id: str,
        to_cluster: bool,
        share_percent: int,
        start_date: date,
        tenure_end: date | None,
        actor: Actor,
    ) -> UUID:
        """Deploy an officer to a school or its cluster; saved with the officer's share."""
        officer, school = self.get_officer(officer_id), self.get_school(school_id)
        if school.borough != officer.borough:
            raise RuleViolation(
                "deploy-within-borough",
                f"{school_id} is in {school.borough}; the officer serves {officer.borough}",
                "school_id",
            )
        if to_cluster and not school.primary_school_ids:
            raise RuleViolation("cluster-formed", f"{school_id} leads no cluster", "to_cluster")
        school_ids = [school_id, *school.primary_school_ids] if to_cluster else [school_id]
        for each in school_ids:
            (school if each == school_id else self.get_school(each)).check_protocol_for(start_date)
        deployment = Deployment.deploy(
            officer_id=officer_id, rank=officer.rank, borough=officer.borough,
            school_ids=school_ids, to_cluster=to_cluster, share_percent=share_percent,
            start_date=start_date, tenure_end=tenure_end, actor=actor,
            served_before=self.served_before(officer_id, school_ids, start_date),
        )  # fmt: skip
        officer.allocate(deployment.id, share_percent, school_ids, actor)
        self.save(officer, deployment)
        return deployment.id

    def extend_deployment(self, deployment_id: UUID, tenure_end: date, actor: Actor) -> UUID:
        """Extend a deployment's tenure."""
        deployment = self.get_deployment(deployment_id)
        served = self.served_before(
            deployment.officer_id, deployment.school_ids, deployment.start_date, deployment_id
        )
        deployment.extend(tenure_end, actor, served)
        self.save(deployment)
        return deployment.id

    def end_deployment(
        self, deployment_id: UUID, ended_on: date, reason: EndReason, note: str, actor: Actor
    ) -> UUID:
        """End a deployment and free the officer's share of time."""
        deployment = self.get_deployment(deployment_id)
        officer = self.get_officer(deployment.officer_id)
        deployment.end(ended_on, reason, note, actor)
        officer.release(str(deployment.id), actor)
        self.save(deployment, officer)
        return deployment.id

    def set_term_calendar(
        self,
        borough: str,
        term: str,
        starts_on: date,
        ends_on: date,
        holidays: list[Holiday],
        actor: Actor,
    ) -> UUID:
        """Publish or revise a borough's term dates and holidays."""
        calendar_id = TermCalendar.create_id(borough, term)
        if self.exists(calendar_id):
            calendar = self.get_calendar(borough, term)
            calendar.revise(starts_on, ends_on, holidays, actor)
        else:
            calendar = TermCalendar.publish(borough, term, starts_on, ends_on, holidays, actor)
        self.save(calendar)
        return calendar.id

    def notify_absence(
        self,
        officer_id: str,
        kind: AbsenceKind,
        starts_on: date,
        ends_on: date,
        notified_at: datetime | None,
        now: datetime,
        actor: Actor,
    ) -> UUID:
        """Record an absence notified to the officer's schools; late notice is flagged."""
        officer = self.get_officer(officer_id)
        if not officer.school_ids:
            raise StateConflict("officer-deployed", "the officer serves no school", "officer_id")
        absence = Absence.notify(
            officer_id=officer_id, borough=officer.borough, school_ids=officer.school_ids,
            kind=kind, starts_on=starts_on, ends_on=ends_on, notified_at=notified_at or now,
            minimum_notice_days=self.config.absence_min_notice_days, now=now, actor=actor,
        )  # fmt: skip
        self.save(absence)
        return absence.id
