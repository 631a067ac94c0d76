"""One Section 115 request: written request, countersignature, decision, release, closure."""

from dataclasses import asdict
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from services.disclosure.domain import controller, proforma, rules
from services.disclosure.domain.completion import CompletionSteps
from services.runtime.clock import london_day
from services.runtime.domain import Actor, RuleViolation, StateConflict


class DisclosureRequest(CompletionSteps):
    """A request for information under Section 115 of the Crime and Disorder Act 1998."""

    class Submitted(proforma.WrittenRequest, Aggregate.Created):
        """The written request stored flat, one attribute per field, as it always was."""

        submitted_at: datetime
        decision_due: datetime | None
        confirmation_due: datetime | None
        actor: Actor

        def apply(self, aggregate: Any) -> None:
            """Give the new request its content (eventsourcing calls this after ``__init__``)."""
            for name in proforma.CONTENT_FIELDS:
                setattr(aggregate, name, getattr(self, name))
            # A complete submission is the written request itself.
            complete = not proforma.missing_fields(aggregate.content())
            aggregate.written_at = self.submitted_at if complete else None

    class Amended(Aggregate.Event):
        changes: dict[str, Any]
        amended_at: datetime
        written_confirmation: bool
        signature_voided: bool
        facts: dict[str, Any]
        actor: Actor

    class Countersigned(Aggregate.Event):
        content_hash: str
        signed_at: datetime
        facts: dict[str, Any]
        actor: Actor

    def __init__(
        self,
        submitted_at: datetime,
        decision_due: datetime | None,
        confirmation_due: datetime | None,
        actor: Actor,
    ) -> None:
        # The content is set by Submitted.apply; what follows does not depend on it.
        self.submitted_at = submitted_at
        self.decision_due = decision_due
        self.confirmation_due = confirmation_due
        self.requested_by = actor.id
        self.signature = None
        self.decision = None
        self.release_record = None
        self.closed_at = None
        self.retention_review_on = None

    @classmethod
    def submit(
        cls,
        *,
        content: proforma.WrittenRequest,
        now: datetime,
        decision_window: timedelta,
        confirmation_window: timedelta,
        actor: Actor,
        id: UUID | None = None,
    ) -> "DisclosureRequest":
        """Submit a request; a routine one must carry the whole pro forma. ``id``: the id its
        free text was sealed for (record_keys), else a new one."""
        proforma.check_urgency(content.urgency, content.urgent_reason)
        proforma.check_is_pupil_ref_for_urgent(content.urgency, content.subject_ref)
        written = controller.with_defaults(asdict(content))
        controller.check_terms(written, london_day(now))
        urgent = content.urgency == "urgent"
        if not urgent:
            proforma.check_complete(written)
        incomplete = bool(proforma.missing_fields(written))
        return cls._create(
            DisclosureRequest.Submitted,
            id=id,
            **written,
            submitted_at=now,
            decision_due=now + decision_window if urgent else None,
            confirmation_due=now + confirmation_window if urgent and incomplete else None,
            actor=actor,
        )

    def amend(self, changes: dict[str, Any], now: datetime, actor: Actor) -> None:
        """Change the written request before the decision; this voids any countersignature."""
        rules.check_requester(actor, self.requested_by)
        self.check_not_closed()
        if self.decision is not None:
            raise StateConflict(
                "decided-request-is-final", "the request was decided; it can no longer change"
            )
        changed = self._changed(changes)
        controller.check_terms({**self.content(), **changed}, london_day(now))
        if self.written_at is not None:
            proforma.check_complete({**self.content(), **changed})
        self._amend(changed, now, False, self.signature is not None, self._facts(changed), actor)

    def confirm_in_writing(self, changes: dict[str, Any], now: datetime, actor: Actor) -> None:
        """Complete an urgent request's pro forma: its written confirmation."""
        rules.check_requester(actor, self.requested_by)
        self.check_not_closed()
        if self.written_at is not None:
            raise StateConflict("already-in-writing", "the request is already in writing")
        changed = {k: v for k, v in changes.items() if v is not None and v != getattr(self, k)}
        if self.decision is not None:
            # What was decided stands: the confirmation may only fill the gaps.
            for name in changed:
                if getattr(self, name):
                    raise StateConflict(
                        "decided-request-is-final",
                        f"{name} was decided on and cannot change; only missing fields may",
                        name,
                    )
        proforma.check_complete({**self.content(), **changed})
        controller.check_terms({**self.content(), **changed}, london_day(now))
        self._amend(changed, now, True, self.signature is not None, self._facts(changed), actor)

    def _changed(self, changes: dict[str, Any]) -> dict[str, Any]:
        unknown = sorted(set(changes) - set(proforma.PRO_FORMA_FIELDS))
        if unknown:
            raise RuleViolation(
                "field-not-amendable",
                f"{unknown[0]} cannot change; submit a new request",
                unknown[0],
            )
        changed = {k: v for k, v in changes.items() if v != getattr(self, k)}
        if not changed:
            raise RuleViolation("no-change", "the amendment changes nothing", None)
        return changed

    def _facts(self, changed: dict[str, Any]) -> dict[str, Any]:
        after = {**self.content(), **changed}
        return self.facts(
            changed_fields=sorted(changed),
            missing_fields=proforma.missing_fields(after),
            content_hash=proforma.content_hash(after),
        )

    @event(Amended)
    def _amend(
        self,
        changes: dict[str, Any],
        amended_at: datetime,
        written_confirmation: bool,
        signature_voided: bool,
        facts: dict[str, Any],
        actor: Actor,
    ) -> None:
        for name, value in changes.items():
            setattr(self, name, value)
        self.signature = None
        if written_confirmation:
            self.written_at = amended_at

    def countersign(self, content_hash: str, now: datetime, actor: Actor) -> None:
        """The head teacher of the school signs the request as it reads now."""
        rules.check_head_teacher_of(actor, self.school_id)
        self.check_not_closed()
        rules.check_not_before(now, self.submitted_at, "submission")
        if self.signature is not None:
            raise StateConflict("already-countersigned", "the request is already countersigned")
        proforma.check_complete(self.content())
        if content_hash != self.content_hash:
            raise StateConflict(
                "content-changed",
                "the request changed since it was read; read it again and sign what it says",
                "content_hash",
            )
        self._countersign(content_hash, now, self.facts(), actor)

    @event(Countersigned)
    def _countersign(
        self, content_hash: str, signed_at: datetime, facts: dict[str, Any], actor: Actor
    ) -> None:
        self.signature = {"content_hash": content_hash, "signed_at": signed_at, "by": actor.id}
