"""The officer aggregate: appointment, training, ring-fencing and the share of their time."""

from datetime import date
from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate, event
from ssp_contracts.events.staffing import LiftReason, PanelRole, Rank

from services.runtime.domain import Actor, RuleViolation, StateConflict
from services.staffing.domain.common import natural_id

FULL_TIME = 100


class Officer(Aggregate):
    """An SSP officer, known by a pseudonymous officer id; never by name."""

    class Registered(Aggregate.Created):
        officer_id: str
        rank: Rank
        borough: str
        selection_panel: list[PanelRole]
        actor: Actor

    class TrainingCompleted(Aggregate.Event):
        officer_id: str
        borough: str
        module: int
        completed_on: date
        modules_completed: int
        catalogue_size: int
        actor: Actor

    class RingFenced(Aggregate.Event):
        officer_id: str
        borough: str
        ring_fenced_from: date
        authorised_by: str
        actor: Actor

    class RingFenceLifted(Aggregate.Event):
        officer_id: str
        borough: str
        ring_fenced_from: date
        lifted_on: date
        reason: LiftReason
        note: str
        actor: Actor

    class ShareAllocated(Aggregate.Event):
        deployment_id: str
        share_percent: int
        school_ids: list[str]
        actor: Actor

    class ShareReleased(Aggregate.Event):
        deployment_id: str
        actor: Actor

    @staticmethod
    def create_id(officer_id: str) -> UUID:
        """Aggregate id of the officer ``officer_id``."""
        return natural_id("officer", officer_id)

    @classmethod
    def register(
        cls,
        officer_id: str,
        rank: Rank,
        borough: str,
        selection_panel: list[PanelRole],
        actor: Actor,
    ) -> "Officer":
        """Appoint an officer; the selection panel must include the police."""
        if "police" not in selection_panel:
            raise RuleViolation(
                "panel-includes-police",
                "the selection panel must include a police representative",
                "selection_panel",
            )
        return cls(officer_id, rank, borough, sorted(set(selection_panel)), actor)

    @event(Registered)
    def __init__(
        self,
        officer_id: str,
        rank: Rank,
        borough: str,
        selection_panel: list[PanelRole],
        actor: Actor,
    ) -> None:
        self.officer_id = officer_id
        self.rank = rank
        self.borough = borough
        self.selection_panel = list(selection_panel)
        self.training: dict[int, date] = {}
        self.catalogue_size = 0
        # Ring-fence periods: [from, lifted_on or None while it holds]
        self.ring_fences: list[list[Any]] = []
        self.ring_fence_authority: str | None = None
        self.allocations: dict[str, dict[str, Any]] = {}

    def complete_training(
        self, module: int, completed_on: date, catalogue_size: int, actor: Actor
    ) -> None:
        """Record a completed training module of the catalogue."""
        if not 1 <= module <= catalogue_size:
            raise RuleViolation(
                "training-module-in-catalogue",
                f"module must be between 1 and {catalogue_size}",
                "module",
            )
        if module in self.training:
            raise StateConflict(
                "training-module-once",
                f"module {module} was completed on {self.training[module]}",
                "module",
            )
        self._complete_training(
            self.officer_id,
            self.borough,
            module,
            completed_on,
            len(self.training) + 1,
            catalogue_size,
            actor,
        )

    @event(TrainingCompleted)
    def _complete_training(
        self,
        officer_id: str,
        borough: str,
        module: int,
        completed_on: date,
        modules_completed: int,
        catalogue_size: int,
        actor: Actor,
    ) -> None:
        self.training[module] = completed_on
        self.catalogue_size = catalogue_size

    @property
    def ring_fenced_from(self) -> date | None:
        """Start of the ring-fence in force now, if any."""
        if self.ring_fences and self.ring_fences[-1][1] is None:
            start: date = self.ring_fences[-1][0]
            return start
        return None

    def ring_fenced_on(self, day: date) -> date | None:
        """Start of the ring-fence that held on ``day``, if one did."""
        for start, lifted in self.ring_fences:
            if start <= day and (lifted is None or day < lifted):
                found: date = start
                return found
        return None

    def ring_fence(self, ring_fenced_from: date, authorised_by: str, actor: Actor) -> None:
        """Protect the officer against abstractions from a date, on someone's authority."""
        if self.ring_fenced_from is not None:
            raise StateConflict(
                "ring-fence-once",
                f"already ring-fenced since {self.ring_fenced_from}",
                "ring_fenced_from",
            )
        if self.ring_fences and ring_fenced_from < self.ring_fences[-1][1]:
            raise RuleViolation(
                "ring-fence-after-last",
                f"must not start before the last ring-fence was lifted ({self.ring_fences[-1][1]})",
                "ring_fenced_from",
            )
        self._ring_fence(self.officer_id, self.borough, ring_fenced_from, authorised_by, actor)

    @event(RingFenced)
    def _ring_fence(
        self,
        officer_id: str,
        borough: str,
        ring_fenced_from: date,
        authorised_by: str,
        actor: Actor,
    ) -> None:
        self.ring_fences.append([ring_fenced_from, None])
        self.ring_fence_authority = authorised_by

    def lift_ring_fence(self, lifted_on: date, reason: LiftReason, note: str, actor: Actor) -> None:
        """End the ring-fence in force; ``lifted_on`` is the first day without it."""
        start = self.ring_fenced_from
        if start is None:
            raise StateConflict("ring-fence-in-force", "the officer is not ring-fenced", None)
        if lifted_on <= start:
            raise RuleViolation("lift-after-start", f"lifted_on must be after {start}", "lifted_on")
        self._lift_ring_fence(self.officer_id, self.borough, start, lifted_on, reason, note, actor)

    @event(RingFenceLifted)
    def _lift_ring_fence(
        self,
        officer_id: str,
        borough: str,
        ring_fenced_from: date,
        lifted_on: date,
        reason: LiftReason,
        note: str,
        actor: Actor,
    ) -> None:
        self.ring_fences[-1][1] = lifted_on
        self.ring_fence_authority = None

    @property
    def share_allocated(self) -> int:
        """Percent of the officer's time given to deployments in force."""
        return sum(int(a["share_percent"]) for a in self.allocations.values())

    @property
    def school_ids(self) -> list[str]:
        """Schools the officer serves under the deployments in force."""
        return sorted({s for a in self.allocations.values() for s in a["school_ids"]})

    def allocate(
        self, deployment_id: UUID, share_percent: int, school_ids: list[str], actor: Actor
    ) -> None:
        """Give a share of the officer's time to a deployment; shares never exceed 100%."""
        if self.share_allocated + share_percent > FULL_TIME:
            raise RuleViolation(
                "share-limit",
                f"the officer has {FULL_TIME - self.share_allocated}% of their time left,"
                f" not {share_percent}%",
                "share_percent",
            )
        self._allocate(str(deployment_id), share_percent, school_ids, actor)

    @event(ShareAllocated)
    def _allocate(
        self, deployment_id: str, share_percent: int, school_ids: list[str], actor: Actor
    ) -> None:
        self.allocations[deployment_id] = {
            "share_percent": share_percent,
            "school_ids": list(school_ids),
        }

    @event(ShareReleased)
    def release(self, deployment_id: str, actor: Actor) -> None:
        """The deployment's share of time is free again."""
        self.allocations.pop(deployment_id, None)
