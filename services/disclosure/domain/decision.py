"""A request's decision and its corrections.

A base of the request aggregate so that each module stays readable; its events keep
the class names ``DecisionSteps.Decided`` and ``DecisionSteps.DecisionCorrected``,
which is what translation maps.
"""

from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

from eventsourcing.domain import Aggregate
from ssp_contracts.events.disclosure import InformationCategory, Outcome

from services.disclosure.domain import proforma, rules
from services.disclosure.domain.controller import check_decider
from services.disclosure.domain.state import RequestState
from services.runtime.domain import Actor, StateConflict


@dataclass(frozen=True, kw_only=True)
class Decision:
    """What a disclosure officer decides: the command's argument and the events' fields."""

    outcome: Outcome
    reasoning: str
    withheld_categories: list[InformationCategory]
    withheld_reason: str | None


class _DecisionEvent(Decision, Aggregate.Event):
    """A decision as stored: its fields flat, one attribute each, as they always were."""

    decision_id: str
    decided_at: datetime
    facts: dict[str, Any]
    actor: Actor

    def standing(self, **more: Any) -> dict[str, Any]:
        """The request's standing decision after this event."""
        return {
            "decision_id": self.decision_id,
            "outcome": self.outcome,
            "reasoning": self.reasoning,
            "withheld_categories": self.withheld_categories,
            "withheld_reason": self.withheld_reason,
            "decided_at": self.decided_at,
            "decided_by": self.actor.id,
            **more,
        }


class DecisionSteps(RequestState):
    """Decision by a disclosure officer of the borough, and corrections that reference it."""

    class Decided(_DecisionEvent):
        def apply(self, aggregate: Any) -> None:
            """The first decision stands."""
            aggregate.decision = self.standing(corrects=None)

    class DecisionCorrected(_DecisionEvent):
        corrects: str
        correction_reason: str

        def apply(self, aggregate: Any) -> None:
            """The correction replaces the decision it references."""
            aggregate.decision = self.standing(
                corrects=self.corrects, correction_reason=self.correction_reason
            )

    def decide(self, decision: Decision, now: datetime, actor: Actor) -> None:
        """Disclose in full, in part, or refuse; the reasoning is required in every case."""
        check_decider(actor, self.data_controller, self.school_id, self.borough)
        self.check_not_closed()
        if self.decision is not None:
            raise StateConflict(
                "decision-is-final",
                "the request is decided; a decision is never edited, record a correction",
                "outcome",
            )
        if self.urgency == "routine":
            self.check_ready_for_decision()
        rules.check_not_before(now, self.submitted_at, "submission")
        if self.urgency == "routine" and self.signature is not None:
            rules.check_not_before(now, self.signature["signed_at"], "countersignature")
        self._check_decision(decision)
        self.trigger_event(
            DecisionSteps.Decided,
            decision_id=self.new_decision_id(),
            **asdict(decision),
            decided_at=now,
            facts=self.facts(),
            actor=actor,
        )

    def check_ready_for_decision(self) -> None:
        """A routine request is decided on its complete, countersigned written form."""
        proforma.check_complete(self.content())
        if self.countersignature_required and not self.signature_valid:
            raise StateConflict(
                "countersignature-required",
                "the head teacher of the school has not countersigned the request as it reads",
                "countersignature",
            )

    def _check_decision(self, decision: Decision) -> None:
        rules.check_decision(
            decision.outcome,
            decision.reasoning,
            decision.withheld_categories,
            decision.withheld_reason,
            self.categories,
        )

    def correct_decision(
        self, corrects: str, decision: Decision, reason: str, now: datetime, actor: Actor
    ) -> None:
        """Replace the standing decision by a new one that references it."""
        check_decider(actor, self.data_controller, self.school_id, self.borough)
        self.check_not_closed()
        current = self.check_decided()
        if corrects != current["decision_id"]:
            raise StateConflict(
                "correction-of-superseded-decision",
                f"the standing decision is {current['decision_id']}; correct that one",
                "corrects",
            )
        rules.check_text(reason, "correction_reason", "the reason for the correction")
        self._check_decision(decision)
        if self.release_record is not None:
            self._check_correction_after_release(decision)
        self.trigger_event(
            DecisionSteps.DecisionCorrected,
            decision_id=self.new_decision_id(),
            corrects=corrects,
            **asdict(decision),
            correction_reason=reason,
            decided_at=now,
            facts=self.facts(),
            actor=actor,
        )

    def _check_correction_after_release(self, decision: Decision) -> None:
        assert self.release_record is not None
        shared = set(self.release_record["categories_shared"])
        if decision.outcome == "refuse" or shared & set(decision.withheld_categories):
            raise StateConflict(
                "already-released",
                "the information is already released; a correction cannot withhold it",
                "outcome",
            )

    def check_decided(self) -> dict[str, Any]:
        """The standing decision; 409 when there is none yet."""
        if self.decision is None:
            raise StateConflict(
                "release-before-decision", "the request has no decision yet", "decision"
            )
        return self.decision
