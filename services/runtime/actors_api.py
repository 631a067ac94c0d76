"""Resolving actor pseudonyms for an auditor: one endpoint on each write service, each use recorded.

``POST /actors/{pseudonym}/resolution`` (permission ``resolve_actor``: the auditor) answers the
identity provider's ``sub`` behind a pseudonym this service published. Every attempt, found or
not, is an ``ActorResolution`` event in the service's store: its contract (``<service>.
actor_resolved.v1``) goes on the service's topic and so reaches the audit trail, with the
pseudonym and the purpose; the auditor's own words stay in the store.
"""

from datetime import datetime
from typing import Annotated, TypeVar
from uuid import UUID

from eventsourcing.domain import Aggregate, event
from fastapi import Path, Request
from pydantic import BaseModel, Field
from ssp_contracts.events.actors import ACTOR_PSEUDONYM, ActorResolved
from ssp_contracts.vocab import ResolutionPurpose

from services.runtime.auth import Principal, allow
from services.runtime.domain import Actor, NotFound
from services.runtime.inputs import FreeText
from services.runtime.logs import correlation_id
from services.runtime.pseudonyms import for_service
from services.runtime.routing import ServiceRouter, in_thread


class ActorResolution(Aggregate):
    """One resolution of an actor pseudonym: who asked, why, and whether it named anyone."""

    class Resolved(Aggregate.Created):
        pseudonym: str
        purpose: ResolutionPurpose
        reason: str
        found: bool
        resolved_at: datetime
        actor: Actor

    @event(Resolved)
    def __init__(
        self,
        pseudonym: str,
        purpose: ResolutionPurpose,
        reason: str,
        found: bool,
        resolved_at: datetime,
        actor: Actor,
    ) -> None:
        self.pseudonym = pseudonym
        self.purpose = purpose
        self.reason = reason
        self.found = found
        self.resolved_at = resolved_at


C = TypeVar("C", bound=ActorResolved)


def resolved_payload(e: ActorResolution.Resolved, contract: type[C]) -> C:
    """The service's ``actor_resolved`` contract of a resolution (the reason stays here)."""
    return contract(
        resolution_id=str(e.originator_id),
        pseudonym=e.pseudonym,
        purpose=e.purpose,
        found=e.found,
        resolved_at=e.resolved_at,
    )


class ResolveActor(BaseModel):
    """Why the auditor needs to know who acted."""

    purpose: ResolutionPurpose
    reason: FreeText = Field(min_length=1, max_length=2000, description="Stays in the service")


class ResolvedActor(BaseModel):
    """Who acted under the pseudonym, and the id of the resolution recorded."""

    pseudonym: str
    sub: str = Field(description="The identity provider's subject of the actor")
    resolution_id: UUID


Pseudonym = Annotated[str, Path(pattern=ACTOR_PSEUDONYM, max_length=38)]
router = ServiceRouter(tags=["actors"])


@router.post("/actors/{pseudonym}/resolution", response_model=ResolvedActor)
async def resolve_actor(
    pseudonym: Pseudonym,
    body: ResolveActor,
    principal: Annotated[Principal, allow("resolve_actor")],
    request: Request,
) -> ResolvedActor:
    """Resolve a pseudonym this service published (recorded, and audited, found or not)."""
    ctx = request.app.state.ssp
    pseudonyms = for_service(ctx.settings.service)
    if ctx.pool is None:  # in-memory mode: what this process made
        sub = pseudonyms.remembered(pseudonym)
    else:
        async with ctx.pool.acquire() as conn:
            sub = await pseudonyms.resolve(conn, pseudonym)
    record = ActorResolution(
        pseudonym,
        body.purpose,
        body.reason,
        sub is not None,
        ctx.clock.now(),
        principal.actor(correlation_id()),
    )
    await in_thread(ctx.application.save, record)
    if sub is None:
        raise NotFound(f"this service published no actor {pseudonym}")
    return ResolvedActor(pseudonym=pseudonym, sub=sub, resolution_id=record.id)
