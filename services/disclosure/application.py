"""The disclosure application: get, act, save, return ids."""

from dataclasses import replace
from datetime import date, datetime, timedelta
from typing import Any
from uuid import UUID

from services.disclosure.domain import DisclosureRequest, InformationExchange
from services.disclosure.domain.decision import Decision
from services.disclosure.domain.proforma import WrittenRequest
from services.disclosure.translation import translator
from services.runtime.consultations import ConsultationLog
from services.runtime.domain import Actor, StateConflict
from services.runtime.retention import retain
from services.runtime.sealed import ERASED

# The written request's details of its subject, sealed under the subject's own key.
SEALED_CONTENT = ("subject_ref", "purpose", "necessity")
# Names of other people, sealed under the request's own record key (runtime/record_keys.py):
# shredded with the subject, or when the request's retention ends.
RECORD_CONTENT = ("requesting_officer",)
RELEASE_TEXT = ("recipient",)


class DisclosureApplication(ConsultationLog):
    """Commands and queries over Section 115 requests and planning exchanges."""

    name = "disclosure"
    contract = translator

    def submit_request(
        self,
        content: WrittenRequest,
        now: datetime,
        decision_window: timedelta,
        confirmation_window: timedelta,
        actor: Actor,
    ) -> UUID:
        """Record a new request, its subject's details sealed under the subject's key; its id."""
        ref = content.subject_ref
        sealed = {f: self._seal(ref, f, getattr(content, f)) for f in SEALED_CONTENT}
        how: dict[str, Any] = dict(
            now=now,
            decision_window=decision_window,
            confirmation_window=confirmation_window,
            actor=actor,
        )
        draft = DisclosureRequest.submit(content=replace(content, **sealed), **how)  # the rules
        text = {f: self._text(draft, f, getattr(content, f)) for f in RECORD_CONTENT}
        request = DisclosureRequest.submit(
            content=replace(content, **sealed, **text), id=draft.id, **how
        )
        self.save(request)
        retain(self.subjects, ref, "disclosure_request", now)
        return request.id

    def amend_request(
        self, request_id: UUID, changes: dict[str, Any], now: datetime, actor: Actor
    ) -> UUID:
        """Change the written request (voids any countersignature)."""
        request = self.get_request(request_id)
        request.amend(self._sealed_changes(request, changes), now, actor)
        self.save(request)
        return request.id

    def confirm_in_writing(
        self, request_id: UUID, changes: dict[str, Any], now: datetime, actor: Actor
    ) -> UUID:
        """Complete an urgent request's written form."""
        request = self.get_request(request_id)
        request.confirm_in_writing(self._sealed_changes(request, changes), now, actor)
        self.save(request)
        return request.id

    def countersign(self, request_id: UUID, content_hash: str, now: datetime, actor: Actor) -> UUID:
        """The head teacher countersigns the request as it reads."""
        request = self.get_request(request_id)
        request.countersign(content_hash, now, actor)
        self.save(request)
        return request.id

    def decide(self, request_id: UUID, decision: Decision, now: datetime, actor: Actor) -> str:
        """Record the decision; return its id."""
        request = self.get_request(request_id)
        request.decide(self._sealed_decision(request, decision), now, actor)
        self.save(request)
        assert request.decision is not None
        return str(request.decision["decision_id"])

    def correct_decision(
        self,
        request_id: UUID,
        corrects: str,
        decision: Decision,
        reason: str,
        now: datetime,
        actor: Actor,
    ) -> str:
        """Record a correcting decision; return its id."""
        request = self.get_request(request_id)
        sealed = self._sealed_decision(request, decision)
        reason = self._seal(self._subject_of(request), "correction_reason", reason)
        request.correct_decision(corrects, sealed, reason, now, actor)
        self.save(request)
        assert request.decision is not None
        return str(request.decision["decision_id"])

    def record_release(
        self, request_id: UUID, record: dict[str, Any], now: datetime, actor: Actor
    ) -> UUID:
        """Record what was released, to whom, when and how."""
        request = self.get_request(request_id)
        request.release(dict(record), now, actor)  # the rules judge the text in clear
        request = self.get_request(request_id)
        shared = record.get("information_shared")
        sealed = self._seal(self._subject_of(request), "information_shared", shared)
        text = {f: self._text(request, f, record.get(f)) for f in RELEASE_TEXT if f in record}
        request.release({**record, **text, "information_shared": sealed}, now, actor)
        self.save(request)
        return request.id

    def close_request(
        self, request_id: UUID, retention_review_on: date, now: datetime, actor: Actor
    ) -> UUID:
        """Close the request with its retention review date."""
        request = self.get_request(request_id)
        request.close(retention_review_on, now, actor)
        self.save(request)
        return request.id

    def log_exchange(self, details: dict[str, Any], now: datetime, actor: Actor) -> UUID:
        """Log a planning or problem-solving exchange; return its id."""
        draft = InformationExchange.log(**details, now=now, actor=actor)  # the rules, in clear
        # Who and what: free text naming no subject, kept for the register's period.
        # (The partner is sealed as the register's ``recipient``: where it is read.)
        text = self.records.seal(
            draft.id,
            {"recipient": details["partner"], "topic": details["topic"]},
            retention=("disclosure_request", now),
        )
        sealed = {**details, "partner": text["recipient"], "topic": text["topic"]}
        exchange = InformationExchange.log(**sealed, now=now, actor=actor, id=draft.id)
        self.save(exchange)
        return exchange.id

    def _seal(self, ref: str, field: str, value: Any) -> Any:
        """``value`` sealed under subject ``ref``; blanks and None stay (rules judge them)."""
        if isinstance(value, str) and value.strip():
            return self.subjects.seal(ref, field, value)
        return value

    def _text(self, request: DisclosureRequest, field: str, value: Any) -> Any:
        """``value`` sealed under the request's record key, linked to its subject; blanks and
        None stay (rules judge them)."""
        if isinstance(value, str) and value.strip():
            retention = ("disclosure_request", request.submitted_at)
            names = [request.subject_ref]
            return self.records.seal_one(request.id, field, value, names=names, retention=retention)
        return value

    def _sealed_decision(self, request: DisclosureRequest, decision: Decision) -> Decision:
        """The decision with its reasoning and withheld reason sealed under the subject."""
        ref = self._subject_of(request)
        return replace(
            decision,
            reasoning=self._seal(ref, "reasoning", decision.reasoning),
            withheld_reason=self._seal(ref, "withheld_reason", decision.withheld_reason),
        )

    def _subject_of(self, request: DisclosureRequest) -> str:
        """The request's subject reference; 409 once the subject is erased."""
        ref = self.subjects.open(request.subject_ref, "subject_ref")
        if ref is None or ref == ERASED:
            raise StateConflict("subject-erased", "the subject of this request was erased")
        return ref

    def _sealed_changes(
        self, request: DisclosureRequest, changes: dict[str, Any]
    ) -> dict[str, Any]:
        """The changes that change something, the subject's details sealed.

        Compared in clear: a sealed value never equals another sealing of the same text.
        """
        out: dict[str, Any] = {}
        for name, value in changes.items():
            stored = getattr(request, name, None)
            current = stored
            if name in (*SEALED_CONTENT, *RECORD_CONTENT) and isinstance(stored, str):
                current = self.subjects.open(stored, name)
            if value in (stored, current):
                continue
            if name in SEALED_CONTENT:
                value = self._seal(self._subject_of(request), name, value)
            elif name in RECORD_CONTENT:
                self._subject_of(request)  # 409 once the subject is erased
                value = self._text(request, name, value)
            out[name] = value
        return out

    def get_request(self, request_id: UUID) -> DisclosureRequest:
        """The request as it stands; NotFound for any other id."""
        return self.load(DisclosureRequest, request_id, f"no disclosure request {request_id}")

    def get_exchange(self, exchange_id: UUID) -> InformationExchange:
        """A logged exchange; NotFound for any other id."""
        return self.load(InformationExchange, exchange_id, f"no information exchange {exchange_id}")
