"""The second half of a request's life: decision, corrections, release and closure.

A base of the request aggregate so that each module stays readable; its events keep
the class names ``DecisionSteps.Decided`` and so on, which is what translation maps.
"""

from datetime import date, datetime
from typing import Any

from eventsourcing.domain import Aggregate, event

from services.disclosure.domain import proforma, rules
from services.disclosure.domain.state import RequestState
from services.runtime.domain import Actor, RuleViolation, StateConflict


class DecisionSteps(RequestState):
    """Decision by a disclosure officer of the borough, then release and closure."""

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

    class Released(Aggregate.Event):
        categories_shared: list[str]
        information_shared: str
        recipient_body: str
        recipient: str
        means: str
        released_at: datetime
        facts: dict[str, Any]
        actor: Actor

    class Closed(Aggregate.Event):
        closed_at: datetime
        retention_review_on: date
        facts: dict[str, Any]
        actor: Actor

    def decide(self, decision: dict[str, Any], now: datetime, actor: Actor) -> None:
        """Disclose in full, in part, or refuse; the reasoning is required in every case."""
        rules.check_disclosure_officer_of(actor, self.borough)
        self.check_not_closed()
        if self.decision is not None:
            raise StateConflict(
                "decision_is_final",
                "the request is decided; a decision is never edited, record a correction",
                "outcome",
            )
        if self.urgency == "routine":
            self.check_ready_for_decision()
        self._check_decision(decision)
        self._decide(
            self.new_decision_id(), **decision, decided_at=now, facts=self.facts(), actor=actor
        )

    def check_ready_for_decision(self) -> None:
        """A routine request is decided on its complete, countersigned written form."""
        proforma.check_complete(self.content())
        if self.countersignature_required and not self.signature_valid:
            raise StateConflict(
                "countersignature_required",
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
                "correction_of_superseded_decision",
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
                "already_released",
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
                "release_before_decision", "the request has no decision yet", "decision"
            )
        return self.decision

    def release(self, record: dict[str, Any], now: datetime, actor: Actor) -> None:
        """Record exactly what was shared, to whom, when, how and by whom."""
        rules.check_disclosure_officer_of(actor, self.borough)
        self.check_not_closed()
        decision = self.check_decided()
        if decision["outcome"] == "refuse":
            raise StateConflict(
                "decision_was_refusal", "the decision refused disclosure; nothing may be released"
            )
        if self.release_record is not None:
            raise StateConflict("already_released", "the release is already recorded")
        released_at = record.pop("released_at", None) or now
        rules.check_release_time(released_at, decision["decided_at"], now)
        disclosable = (
            set(self.categories) - set(decision["withheld_categories"]) if self.categories else None
        )
        rules.check_categories_shared(record["categories_shared"], disclosable)
        rules.check_text(record["information_shared"], "information_shared", "what was shared")
        rules.check_text(record["recipient"], "recipient", "the recipient")
        self._release(**record, released_at=released_at, facts=self.facts(), actor=actor)

    @event(Released)
    def _release(
        self,
        categories_shared: list[str],
        information_shared: str,
        recipient_body: str,
        recipient: str,
        means: str,
        released_at: datetime,
        facts: dict[str, Any],
        actor: Actor,
    ) -> None:
        self.release_record = {
            "categories_shared": categories_shared,
            "information_shared": information_shared,
            "recipient_body": recipient_body,
            "recipient": recipient,
            "means": means,
            "released_at": released_at,
            "released_by": actor.id,
        }

    def close(self, retention_review_on: date, now: datetime, actor: Actor) -> None:
        """Close a finished request and set the date its record is reviewed."""
        rules.check_disclosure_officer_of(actor, self.borough)
        self.check_not_closed()
        decision = self.check_decided()
        if decision["outcome"] != "refuse" and self.release_record is None:
            raise StateConflict(
                "release_outstanding", "the decision to disclose has not been carried out"
            )
        if self.written_at is None:
            raise StateConflict(
                "written_confirmation_outstanding", "the urgent request is not yet in writing"
            )
        if self.countersignature_required and not self.signature_valid:
            raise StateConflict(
                "countersignature_outstanding", "the head teacher has not countersigned"
            )
        if retention_review_on <= now.date():
            raise RuleViolation(
                "retention_review_in_past",
                "the retention review date must lie after the closure",
                "retention_review_on",
            )
        self._close(now, retention_review_on, self.facts(), actor)

    @event(Closed)
    def _close(
        self, closed_at: datetime, retention_review_on: date, facts: dict[str, Any], actor: Actor
    ) -> None:
        self.closed_at = closed_at
        self.retention_review_on = retention_review_on
