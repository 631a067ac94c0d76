"""The end of a request's life: release of what was decided, then closure."""

from datetime import date, datetime
from typing import Any

from eventsourcing.domain import Aggregate, event

from services.disclosure.domain import rules
from services.disclosure.domain.controller import check_decider
from services.disclosure.domain.decision import DecisionSteps
from services.runtime.clock import london_day
from services.runtime.domain import Actor, RuleViolation, StateConflict


class CompletionSteps(DecisionSteps):
    """Release after a decision to disclose, and closure with a retention review date."""

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

    def release(self, record: dict[str, Any], now: datetime, actor: Actor) -> None:
        """Record exactly what was shared, to whom, when, how and by whom."""
        check_decider(actor, self.data_controller, self.school_id, self.borough)
        self.check_not_closed()
        decision = self.check_decided()
        if decision["outcome"] == "refuse":
            raise StateConflict(
                "decision-was-refusal", "the decision refused disclosure; nothing may be released"
            )
        if self.release_record is not None:
            raise StateConflict("already-released", "the release is already recorded")
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
        check_decider(actor, self.data_controller, self.school_id, self.borough)
        self.check_not_closed()
        decision = self.check_decided()
        if decision["outcome"] != "refuse" and self.release_record is None:
            raise StateConflict(
                "release-outstanding", "the decision to disclose has not been carried out"
            )
        if self.written_at is None:
            raise StateConflict(
                "written-confirmation-outstanding", "the urgent request is not yet in writing"
            )
        if self.countersignature_required and not self.signature_valid:
            raise StateConflict(
                "countersignature-outstanding", "the head teacher has not countersigned"
            )
        if retention_review_on <= london_day(now):
            raise RuleViolation(
                "retention-review-in-past",
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
