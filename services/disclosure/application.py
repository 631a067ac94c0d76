"""The disclosure application: get, act, save, return ids."""

from datetime import date, datetime, timedelta
from typing import Any
from uuid import UUID

from services.disclosure.domain import DisclosureRequest, InformationExchange
from services.disclosure.domain.decision import Decision
from services.disclosure.domain.proforma import WrittenRequest
from services.disclosure.translation import translator
from services.runtime.consultations import ConsultationLog
from services.runtime.domain import Actor


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
        """Record a new request; return its id."""
        request = DisclosureRequest.submit(
            content=content,
            now=now,
            decision_window=decision_window,
            confirmation_window=confirmation_window,
            actor=actor,
        )
        self.save(request)
        return request.id

    def amend_request(
        self, request_id: UUID, changes: dict[str, Any], now: datetime, actor: Actor
    ) -> UUID:
        """Change the written request (voids any countersignature)."""
        request = self.get_request(request_id)
        request.amend(changes, now, actor)
        self.save(request)
        return request.id

    def confirm_in_writing(
        self, request_id: UUID, changes: dict[str, Any], now: datetime, actor: Actor
    ) -> UUID:
        """Complete an urgent request's written form."""
        request = self.get_request(request_id)
        request.confirm_in_writing(changes, now, actor)
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
        request.decide(decision, now, actor)
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
        request.correct_decision(corrects, decision, reason, now, actor)
        self.save(request)
        assert request.decision is not None
        return str(request.decision["decision_id"])

    def record_release(
        self, request_id: UUID, record: dict[str, Any], now: datetime, actor: Actor
    ) -> UUID:
        """Record what was released, to whom, when and how."""
        request = self.get_request(request_id)
        request.release(dict(record), now, actor)
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
        exchange = InformationExchange.log(**details, now=now, actor=actor)
        self.save(exchange)
        return exchange.id

    def get_request(self, request_id: UUID) -> DisclosureRequest:
        """The request as it stands; NotFound for any other id."""
        return self.load(DisclosureRequest, request_id, f"no disclosure request {request_id}")

    def get_exchange(self, exchange_id: UUID) -> InformationExchange:
        """A logged exchange; NotFound for any other id."""
        return self.load(InformationExchange, exchange_id, f"no information exchange {exchange_id}")
