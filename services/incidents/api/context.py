"""The incidents service's typed context and what every endpoint needs from it."""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Any, TypeVar

from fastapi import Depends, Request
from starlette.concurrency import run_in_threadpool

from services.incidents.api.scope import Scope, scope_of
from services.incidents.application import IncidentsApplication
from services.incidents.views.deployments import DeploymentsView
from services.runtime.auth import Principal
from services.runtime.clock import Clock, london_day
from services.runtime.domain import Actor
from services.runtime.endpoint import context_of
from services.runtime.logs import correlation_id
from services.runtime.subjects import reveal

T = TypeVar("T")


@dataclass
class IncidentsContext:
    """What the incidents endpoints reach: the store, the deployments view and the clock."""

    application: IncidentsApplication
    deployments: DeploymentsView
    clock: Clock


class Incidents:
    """Per-request access to the service (FastAPI dependency)."""

    def __init__(self, request: Request) -> None:
        context = context_of(request.app, IncidentsContext)
        self.app = context.application
        self.view = context.deployments
        self.clock = context.clock

    async def run(self, func: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """Run a synchronous application call off the event loop."""
        return await run_in_threadpool(func, *args, **kwargs)

    async def revealed(self, data: dict[str, Any]) -> dict[str, Any]:
        """``data`` with its sealed personal fields opened (``erased`` once erased)."""
        return await run_in_threadpool(reveal, self.app.subjects, data)

    async def revealed_all(self, rows: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
        """Each of ``rows`` with its sealed personal fields opened."""
        return await run_in_threadpool(lambda: [reveal(self.app.subjects, r) for r in rows])

    async def scope(self, principal: Principal) -> Scope:
        """The caller's scope on today's deployments."""
        return await scope_of(principal, self.view, london_day(self.now()))

    async def check_school(
        self, principal: Principal, school_id: str, *, hide: bool = False
    ) -> None:
        """Refuse unless the caller may act for ``school_id`` (``hide``: 404, for reads by id)."""
        (await self.scope(principal)).check(school_id, hide=hide)

    def now(self) -> datetime:
        """The time a command is handled (commands carry it, so rules are testable)."""
        return self.clock.now()

    @staticmethod
    def actor(principal: Principal) -> Actor:
        """The actor recorded on the events of this request."""
        return principal.actor(correlation_id())


Service = Annotated[Incidents, Depends(Incidents)]


def history_of(events: list[Any], hidden: frozenset[str] = frozenset()) -> list[dict[str, Any]]:
    """An aggregate's events for its history endpoint, without ``hidden`` fields."""
    out = []
    for e in events:
        data = {
            k: v
            for k, v in vars(e).items()
            if k
            not in {"originator_id", "originator_version", "timestamp", "actor", "originator_topic"}
            and k not in hidden
        }
        out.append(
            {
                "version": e.originator_version,
                "event": type(e).__qualname__,
                "recorded_at": e.timestamp,
                "actor_id": e.actor.id,
                "actor_role": e.actor.role,
                "data": data,
            }
        )
    return out
