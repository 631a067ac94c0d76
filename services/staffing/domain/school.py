"""The school aggregate: programme, cluster, protocol and its annual review."""

from datetime import date
from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate, event
from ssp_contracts.events.staffing import Phase, Programme

from services.runtime.domain import Actor, RuleViolation, StateConflict
from services.staffing.domain.common import add_years, natural_id

CLUSTER_LEADS = frozenset({"secondary", "academy"})


class School(Aggregate):
    """A school in the programme, known by its school id."""

    class Registered(Aggregate.Created):
        school_id: str
        name: str
        borough: str
        phase: Phase
        pupil_count: int
        programme: Programme
        actor: Actor

    class ClusterFormed(Aggregate.Event):
        school_id: str
        borough: str
        primary_school_ids: list[str]
        actor: Actor

    class ProtocolSigned(Aggregate.Event):
        school_id: str
        borough: str
        signed_on: date
        review_due: date
        actor: Actor
        version: int
        head_teacher: str
        borough_commander: str

        class_version = 2

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            """Signed before versions and signatories were kept: the first, names not recorded."""
            state.update(version=1, head_teacher="", borough_commander="")

    class CensusRecorded(Aggregate.Event):
        school_id: str
        borough: str
        census_date: date
        pupils_by_ethnicity: dict[str, int]
        actor: Actor

    class Reviewed(Aggregate.Event):
        school_id: str
        borough: str
        held_on: date
        next_review_due: date
        actor: Actor
        minutes: str
        actions: list[str]

        class_version = 2

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            """Reviews recorded before minutes and actions were kept."""
            state.update(minutes="", actions=[])

    @staticmethod
    def create_id(school_id: str) -> UUID:
        """Aggregate id of the school ``school_id``."""
        return natural_id("school", school_id)

    @event(Registered)
    def __init__(
        self,
        school_id: str,
        name: str,
        borough: str,
        phase: Phase,
        pupil_count: int,
        programme: Programme,
        actor: Actor,
    ) -> None:
        self.school_id = school_id
        self.name = name
        self.borough = borough
        self.phase = phase
        self.pupil_count = pupil_count
        self.programme = programme
        self.primary_school_ids: list[str] = []
        self.protocol_signed_on: date | None = None
        self.first_signed_on: date | None = None
        self.protocol_versions: list[dict[str, Any]] = []
        self.reviews: list[dict[str, Any]] = []
        self.last_review_on: date | None = None
        self.review_due: date | None = None
        self.census_date: date | None = None
        self.pupils_by_ethnicity: dict[str, int] = {}

    def form_cluster(self, primaries: list["School"], actor: Actor) -> None:
        """Make this secondary school the lead of a cluster of primary schools."""
        self.check_cluster(primaries)
        self._form_cluster(self.school_id, self.borough, [p.school_id for p in primaries], actor)

    def check_cluster(self, primaries: list["School"]) -> None:
        if self.phase not in CLUSTER_LEADS:
            raise RuleViolation(
                "cluster-lead-secondary", "a cluster is led by a secondary school or academy"
            )
        for school in primaries:
            if school.phase != "primary":
                raise RuleViolation(
                    "cluster-members-primary",
                    f"{school.school_id} is a {school.phase} school, not a primary",
                    "primary_school_ids",
                )
            if school.borough != self.borough:
                raise RuleViolation(
                    "cluster-same-borough",
                    f"{school.school_id} is in {school.borough}, not {self.borough}",
                    "primary_school_ids",
                )

    @event(ClusterFormed)
    def _form_cluster(
        self, school_id: str, borough: str, primary_school_ids: list[str], actor: Actor
    ) -> None:
        self.primary_school_ids = list(primary_school_ids)

    def sign_protocol(
        self, signed_on: date, actor: Actor, head_teacher: str = "", borough_commander: str = ""
    ) -> None:
        """Record a new version of the protocol, signed by both; its review is a year on."""
        if self.protocol_signed_on is not None and signed_on < self.protocol_signed_on:
            raise RuleViolation(
                "protocol-version-order",
                f"signed_on must not be before version {len(self.protocol_versions)}"
                f" ({self.protocol_signed_on})",
                "signed_on",
            )
        self._sign(
            self.school_id, self.borough, signed_on, add_years(signed_on, 1), actor,
            len(self.protocol_versions) + 1, head_teacher, borough_commander,
        )  # fmt: skip

    @event(ProtocolSigned)
    def _sign(
        self,
        school_id: str,
        borough: str,
        signed_on: date,
        review_due: date,
        actor: Actor,
        version: int,
        head_teacher: str,
        borough_commander: str,
    ) -> None:
        self.protocol_signed_on = signed_on
        self.first_signed_on = self.first_signed_on or signed_on
        self.review_due = review_due
        self.protocol_versions.append(
            {"version": version, "signed_on": signed_on, "head_teacher": head_teacher,
             "borough_commander": borough_commander, "signed_by": actor.id}
        )  # fmt: skip

    def check_protocol_for(self, start: date) -> None:
        """Refuse a deployment starting on ``start`` unless a signed, current protocol covers it.

        "Agreeing policies and protocols relating to police powers prior to the deployment of
        officers in schools is essential" (Report, KPMG findings).
        """
        why = None
        if self.first_signed_on is None:
            why = "has no signed protocol"
        elif start < self.first_signed_on:
            why = f"signed its protocol on {self.first_signed_on}, after the start"
        elif self.review_due is not None and self.review_due < start:
            why = f"missed its annual protocol review (due {self.review_due})"
        if why is not None:
            raise RuleViolation(
                "protocol-before-deployment",
                f"school {self.school_id} {why}: no deployment starting {start} before a signed,"
                " current protocol",
                "school_id",
            )

    def record_review(
        self, held_on: date, actor: Actor, minutes: str = "", actions: list[str] | None = None
    ) -> None:
        """Record the annual review of the partnership; the next is due a year on."""
        self.check_review(held_on)
        self._review(
            self.school_id, self.borough, held_on, add_years(held_on, 1), actor, minutes,
            list(actions or []),
        )  # fmt: skip

    def check_review(self, held_on: date) -> None:
        if self.protocol_signed_on is None:
            raise StateConflict("protocol-not-signed", "no protocol signed to review", "held_on")
        previous = self.last_review_on or self.protocol_signed_on
        if held_on < previous:
            raise RuleViolation(
                "review-after-previous",
                f"held_on must not be before the previous review or signature ({previous})",
                "held_on",
            )

    @event(Reviewed)
    def _review(
        self,
        school_id: str,
        borough: str,
        held_on: date,
        next_review_due: date,
        actor: Actor,
        minutes: str,
        actions: list[str],
    ) -> None:
        self.last_review_on = held_on
        self.review_due = next_review_due
        self.reviews.append({"held_on": held_on, "minutes": minutes, "actions": list(actions)})

    def record_census(self, census_date: date, counts: dict[str, int], actor: Actor) -> None:
        """Record the school's pupils by broad ethnic group, as its census counted them."""
        if not any(counts.values()):
            raise RuleViolation(
                "census-empty", "a census counts at least one pupil", "pupils_by_ethnicity"
            )
        latest = self.census_date
        if latest is not None and census_date < latest:
            raise RuleViolation(
                "census-not-older",
                f"census_date must not be before the census already recorded ({latest})",
                "census_date",
            )
        self._census(self.school_id, self.borough, census_date, dict(counts), actor)

    @event(CensusRecorded)
    def _census(
        self,
        school_id: str,
        borough: str,
        census_date: date,
        pupils_by_ethnicity: dict[str, int],
        actor: Actor,
    ) -> None:
        self.census_date = census_date
        self.pupils_by_ethnicity = dict(pupils_by_ethnicity)

    def review_overdue(self, on: date) -> bool:
        """Whether no review was held within a year of the last one (or of signature)."""
        return self.review_due is not None and self.review_due < on
