"""Information exchanged for planning or problem solving, logged; no countersignature.

The protocol (Appendix 2): "An exchange of information for the purpose of planning or problem
solving, based on personal knowledge, is to be encouraged. There is no legislation the cover this
type of exchange and care should be made to prevent any misunderstandings." So an exchange based
on personal knowledge is logged and marked as such, never refused; a request for personal
information held on a database still goes through a Section 115 request.
"""

from datetime import date, datetime
from uuid import UUID

from eventsourcing.domain import Aggregate, event
from ssp_contracts.events.disclosure import RequestingBody

from services.disclosure.domain import rules
from services.runtime.clock import london_day
from services.runtime.domain import Actor, RuleViolation


class InformationExchange(Aggregate):
    """A logged exchange: who, with whom, on what topic, on which day."""

    class Logged(Aggregate.Created):
        school_id: str
        borough: str
        partner_body: RequestingBody
        partner: str
        topic: str
        exchanged_on: date
        recorded_at: datetime
        actor: Actor
        # Exchanges logged before this field existed were refused if personal, so False.
        personal_knowledge: bool = False

    @event(Logged)
    def __init__(
        self,
        school_id: str,
        borough: str,
        partner_body: RequestingBody,
        partner: str,
        topic: str,
        exchanged_on: date,
        recorded_at: datetime,
        actor: Actor,
        personal_knowledge: bool = False,
    ) -> None:
        self.school_id = school_id
        self.borough = borough
        self.partner_body = partner_body
        self.partner = partner
        self.topic = topic
        self.exchanged_on = exchanged_on
        self.recorded_at = recorded_at
        self.logged_by = actor.id
        self.logged_by_role = actor.role
        self.personal_knowledge = personal_knowledge

    @classmethod
    def log(
        cls,
        *,
        school_id: str,
        borough: str,
        partner_body: RequestingBody,
        partner: str,
        topic: str,
        exchanged_on: date,
        personal_data: bool,
        now: datetime,
        actor: Actor,
        id: UUID | None = None,
    ) -> "InformationExchange":
        """Log an exchange, marked when it was based on personal knowledge. ``id``: the id its
        text was sealed for (record_keys), else a new one."""
        if exchanged_on > london_day(now):
            raise RuleViolation(
                "exchange-in-future", "the exchange cannot lie in the future", "exchanged_on"
            )
        rules.check_text(partner, "partner", "who the information was exchanged with")
        rules.check_text(topic, "topic", "the topic")
        return cls._create(
            cls.Logged,
            id=id,
            school_id=school_id,
            borough=borough,
            partner_body=partner_body,
            partner=partner,
            topic=topic,
            exchanged_on=exchanged_on,
            recorded_at=now,
            actor=actor,
            personal_knowledge=personal_data,
        )
