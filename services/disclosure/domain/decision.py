"""A request's decision and its corrections.

A base of the request aggregate so that each module stays readable; its events keep
the class names ``DecisionSteps.Decided`` and ``DecisionSteps.DecisionCorrected``,
which is what translation maps.
"""

from datetime import datetime
from typing import Any

from eventsourcing.domain import Aggregate, event

from services.disclosure.domain import proforma, rules
from services.disclosure.domain.state import RequestState
from services.runtime.domain import Actor, StateConflict


class DecisionSteps(RequestState):
    """Decision by a disclosure officer of the borough, and corrections that reference it."""

    class Decided(Aggregate.Event):
        decision_id: str
        outcome: str
        reasoning: str
        withheld_categories: list[str]
        withheld_reason: str | None
        decided_at: datetime
        facts: dict[str, Any]
        actor: Actor

    class DecisionCorrected(Aggregate.Event):
        decision_id: str
        corrects: str
        outcome: str
        reasoning: str
        withheld_categories: list[str]
        withheld_reason: str | None
        correction_reason: str
        decided_at: datetime
        facts: dict[str, Any]
        actor: Actor

    def decide(self, decision: dict[str, Any], now: datetime, actor: Actor) -> None:
        """Disclose in full, in part, or refuse; the reasoning is required in every case."""
        rules.check_disclosure_officer_of(actor, self.borough)
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
        self._decide(
            self.new_decision_id(), **decision, decided_at=now, facts=self.facts(), actor=actor
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

    def _check_decision(self, decision: dict[str, Any]) -> None:
        rules.check_decision(
            decision["outcome"],
            decision["reasoning"],
            decision["withheld_categories"],
            decision["withheld_reason"],
            self.categories,
        )

    @event(Decided)
    def _decide(
        self,
        decision_id: str,
        outcome: str,
        reasoning: str,
        withheld_categories: list[str],
        withheld_reason: str | None,
        decided_at: datetime,
        facts: dict[str, Any],
        actor: Actor,
    ) -> None:
        self.decision = {
            "decision_id": decision_id,
            "outcome": outcome,
            "reasoning": reasoning,
            "withheld_categories": withheld_categories,
            "withheld_reason": withheld_reason,
            "decided_at": decided_at,
            "decided_by": actor.id,
            "corrects": None,
        }

    def correct_decision(
        self, corrects: str, decision: dict[str, Any], reason: str, now: datetime, actor: Actor
    ) -> None:
        """Replace the standing decision by a new one that references it."""
        rules.check_disclosure_officer_of(actor, self.borough)
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
        self._correct(
            self.new_decision_id(),
            corrects,
            **decision,
            correction_reason=reason,
            decided_at=now,
            facts=self.facts(),
            actor=actor,
        )

    def _check_correction_after_release(self, decision: dict[str, Any]) -> None:
        assert self.release_record is not None
        shared = set(self.release_record["categories_shared"])
        if decision["outcome"] == "refuse" or shared & set(decision["withheld_categories"]):
            raise StateConflict(
                "already-released",
                "the information is already released; a correction cannot withhold it",
                "outcome",
            )

    @event(DecisionCorrected)
    def _correct(
        self,
        decision_id: str,
        corrects: str,
        outcome: str,
        reasoning: str,
        withheld_categories: list[str],
        withheld_reason: str | None,
        correction_reason: str,
        decided_at: datetime,
        facts: dict[str, Any],
        actor: Actor,
    ) -> None:
        self.decision = {
            "decision_id": decision_id,
            "outcome": outcome,
            "reasoning": reasoning,
            "withheld_categories": withheld_categories,
            "withheld_reason": withheld_reason,
            "decided_at": decided_at,
            "decided_by": actor.id,
            "corrects": corrects,
            "correction_reason": correction_reason,
        }

    def check_decided(self) -> dict[str, Any]:
        """The standing decision; 409 when there is none yet."""
        if self.decision is None:
            raise StateConflict(
                "release-before-decision", "the request has no decision yet", "decision"
            )
        return self.decision
