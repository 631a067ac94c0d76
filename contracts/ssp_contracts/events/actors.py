"""Resolutions of actor pseudonyms: each time an auditor asked a service who acted.

Every event on Kafka names its actor by a pseudonym (``ce_actorid``) that only the publishing
service can resolve. A resolution is itself an event on that service's topic, so it reaches
the audit trail; it carries the pseudonym resolved and the purpose, never the person.
"""

from datetime import datetime
from typing import Annotated, ClassVar

from pydantic import Field

from ssp_contracts.events.common import AggregateId
from ssp_contracts.registry import EventPayload, register
from ssp_contracts.vocab import ResolutionPurpose

ACTOR_PSEUDONYM = r"^actor-[0-9a-f]{32}$"
ActorPseudonym = Annotated[
    str,
    Field(
        pattern=ACTOR_PSEUDONYM,
        max_length=38,
        description="An actor's pseudonym: HMAC-SHA256 of the actor's id under the service's key",
    ),
]


class ActorResolved(EventPayload):
    """An auditor had a service resolve one of its actor pseudonyms."""

    resolution_id: AggregateId
    pseudonym: ActorPseudonym
    purpose: ResolutionPurpose = Field(description="Why the auditor asked")
    found: bool = Field(description="The service had published the pseudonym and resolved it")
    resolved_at: datetime = Field(description="When it was resolved")


@register
class IncidentsActorResolved(ActorResolved):
    """The incidents service resolved an actor pseudonym for an auditor."""

    event_type: ClassVar[str] = "uk.police.ssp.incidents.actor_resolved.v1"
    topic: ClassVar[str] = "ssp.incidents.events"


@register
class DisclosureActorResolved(ActorResolved):
    """The disclosure service resolved an actor pseudonym for an auditor."""

    event_type: ClassVar[str] = "uk.police.ssp.disclosure.actor_resolved.v1"
    topic: ClassVar[str] = "ssp.disclosure.events"


@register
class StaffingActorResolved(ActorResolved):
    """The staffing service resolved an actor pseudonym for an auditor."""

    event_type: ClassVar[str] = "uk.police.ssp.staffing.actor_resolved.v1"
    topic: ClassVar[str] = "ssp.staffing.events"
