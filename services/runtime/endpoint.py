"""What every endpoint shares: the service's typed context, the clock and a command's answer."""

from datetime import datetime, timedelta
from typing import Annotated, TypeVar
from uuid import UUID

from fastapi import Depends, FastAPI, Request
from pydantic import BaseModel

from services.runtime.domain import RuleViolation

T = TypeVar("T")


class Recorded(BaseModel):
    """Id of the record a command created or changed."""

    id: UUID


def context_of(app: FastAPI, kind: type[T]) -> T:
    """The service's typed context (``ServiceSpec.context``); fails loudly if it is another."""
    service = app.state.ssp.service
    if not isinstance(service, kind):
        raise RuntimeError(f"service context is {type(service).__name__}, not {kind.__name__}")
    return service


async def _now(request: Request) -> datetime:
    """The instant a request is handled, from the service's clock (tests fix it)."""
    instant: datetime = request.app.state.ssp.clock.now()
    return instant


# Commands carry the time they were handled, so rules are testable with a fixed clock.
Now = Annotated[datetime, Depends(_now)]

# Clocks of a caller and the service may differ a little.
CLOCK_TOLERANCE = timedelta(minutes=2)


def business_time(at: datetime | None, now: datetime) -> datetime:
    """When a command says it happened (a late entry, a replayed term), else ``now``; a time in
    the future is refused (422 naming ``at``)."""
    if at is None:
        return now
    if at > now + CLOCK_TOLERANCE:
        raise RuleViolation("not-in-future", f"at {at.isoformat()} is in the future", "at")
    return at
