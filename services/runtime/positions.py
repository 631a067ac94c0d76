"""Read-your-writes: a command answers its position in the log, a query can wait for it.

Every command that stores events answers ``SSP-Position: <store id>:<notification id>`` (its
last event's). A query that sends it back as ``SSP-Min-Position`` is answered once every view
of the service has folded that far, waiting at most ``WAIT_SECONDS``; else 503 with
``Retry-After``. Views are folded in the background (``view_runner``), so without the header a
query answers from the views as they stand.
"""

import asyncio
import re
import time
import uuid
from collections.abc import Sequence
from contextvars import ContextVar
from typing import Annotated, Any

from fastapi import FastAPI, Header, HTTPException, Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from services.runtime.domain import RuleViolation
from services.runtime.view_runner import positions

POSITION_HEADER = "SSP-Position"
MIN_POSITION_HEADER = "SSP-Min-Position"
WAIT_SECONDS = 2.0
POLL_SECONDS = 0.02
FORMAT = re.compile(
    r"(?P<store>[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}):(?P<id>[0-9]{1,18})\Z"
)


class _Recorded:
    """The highest notification id the current request's commands stored (mutable, so a
    command run in the thread pool reports it to the middleware that made it)."""

    def __init__(self) -> None:
        self.position: int | None = None


_recorded: ContextVar[_Recorded | None] = ContextVar("ssp_recorded", default=None)


def note_position(notification_ids: Sequence[int]) -> None:
    """Remember that the current request stored events up to ``max(notification_ids)``."""
    holder = _recorded.get()
    if holder is not None and notification_ids:
        holder.position = max(holder.position or 0, *notification_ids)


def position_value(store_id: uuid.UUID, notification_id: int) -> str:
    """The header value ``<store id>:<notification id>``."""
    return f"{store_id}:{notification_id}"


def install_positions(app: FastAPI) -> None:
    """Answer ``SSP-Position`` on every request that stored events."""
    app.add_middleware(Positions)


class Positions:
    """Pure ASGI middleware: the position a request's commands stored, as a response header.

    Pure ASGI rather than Starlette's ``BaseHTTPMiddleware``, which runs every request in a
    task of its own with streams between them (a fifth of a command's CPU in a profile).
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        holder = _Recorded()

        async def with_position(message: Message) -> None:
            store_id = scope["app"].state.ssp.store_id
            if (
                message["type"] == "http.response.start"
                and holder.position is not None
                and store_id is not None
            ):
                value = position_value(store_id, holder.position).encode()
                headers = [*message.get("headers", ()), (POSITION_HEADER.lower().encode(), value)]
                message = {**message, "headers": headers}
            await send(message)

        token = _recorded.set(holder)
        try:
            await self.app(scope, receive, with_position)
        finally:
            _recorded.reset(token)


def parse_min_position(value: str, store_id: uuid.UUID | None) -> int:
    """The notification id of an ``SSP-Min-Position`` value; 422 naming the header if bad."""
    found = FORMAT.match(value.lower())
    field = f"header.{MIN_POSITION_HEADER}"
    if found is None:
        message = f"{MIN_POSITION_HEADER} must be <store id>:<notification id>, as SSP-Position"
        raise RuleViolation("min-position-format", message, field)
    if store_id is not None and uuid.UUID(found["store"]) != store_id:
        message = f"{MIN_POSITION_HEADER} names another store than this service's ({store_id})"
        raise RuleViolation("min-position-store", message, field)
    return int(found["id"])


async def wait_for_views(request: Request, wanted: int) -> None:
    """Return once every view of the service has folded ``wanted``; else 503 after the wait."""
    ctx: Any = request.app.state.ssp
    runner = ctx.view_runner
    if ctx.pool is None or runner is None:
        return  # in-memory views fold on read: always current
    names = [v.name for v in runner.views]
    deadline = time.monotonic() + WAIT_SECONDS
    while True:
        async with ctx.pool.acquire() as conn:
            if await positions(conn, names) >= wanted:
                return
        runner.wake.set()
        if time.monotonic() >= deadline:
            break
        await asyncio.sleep(POLL_SECONDS)
    raise view_behind(
        f"the views have not reached position {wanted} within {WAIT_SECONDS:g}s",
        f"header.{MIN_POSITION_HEADER}",
    )


def view_behind(message: str, field: str | None = None) -> HTTPException:
    """503 ``view-behind`` with ``Retry-After``: the views lag the log more than the wait."""
    detail = {"rule": "view-behind", "message": message, "field": field}
    return HTTPException(503, detail=detail, headers={"Retry-After": "1"})


async def min_position(
    request: Request,
    ssp_min_position: Annotated[
        str | None,
        Header(
            alias=MIN_POSITION_HEADER,
            description="Answer once the views include this command's events (its SSP-Position)",
        ),
    ] = None,
) -> None:
    """Dependency of every query: wait (at most 2 s) for the position the caller names."""
    if ssp_min_position is None or request.method not in ("GET", "HEAD"):
        return
    wanted = parse_min_position(ssp_min_position, request.app.state.ssp.store_id)
    await wait_for_views(request, wanted)
