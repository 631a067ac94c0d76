"""Every service's routes: a synchronous endpoint runs in one plain thread hop.

The application layer (eventsourcing, psycopg) blocks, so most endpoints are plain functions.
FastAPI runs those through anyio's thread pool, whose per-call bookkeeping (backend sniffing,
cancel scopes, a capacity limiter) was 12-15 % of a command's CPU under 16 clients. A
``ServiceRouter`` route runs the same function, unchanged, through ``in_thread`` instead: one
executor hop that carries the request's context variables (its correlation id), as anyio's did.
"""

import asyncio
import contextvars
import functools
import inspect
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

from fastapi import APIRouter
from fastapi.routing import APIRoute

T = TypeVar("T")

# As many threads as anyio's default limiter allowed; more would only queue on the database.
_THREADS = ThreadPoolExecutor(max_workers=40, thread_name_prefix="ssp-endpoint")


async def in_thread(func: Callable[..., T], /, *args: Any, **kwargs: Any) -> T:
    """``func(*args, **kwargs)`` in the endpoints' thread pool, under this task's context."""
    context = contextvars.copy_context()
    call = functools.partial(context.run, func, *args, **kwargs)
    return await asyncio.get_running_loop().run_in_executor(_THREADS, call)


def one_hop(endpoint: Callable[..., Any]) -> Callable[..., Any]:
    """``endpoint`` as a coroutine that runs it in ``in_thread``; a coroutine is kept as it is.

    The wrapper shows FastAPI the endpoint's own signature, name and docstring (so parameters,
    the response model and the OpenAPI document are unchanged) but no ``__wrapped__``: FastAPI
    unwraps to decide whether a call is a coroutine, and would hop to anyio's pool again.
    """
    if inspect.iscoroutinefunction(endpoint):
        return endpoint

    async def hop(**values: Any) -> Any:
        return await in_thread(endpoint, **values)

    hop.__signature__ = inspect.signature(endpoint, eval_str=True)  # type: ignore[attr-defined]
    for name in ("__name__", "__qualname__", "__doc__", "__module__"):
        setattr(hop, name, getattr(endpoint, name))
    return hop


class OneHopRoute(APIRoute):
    """An ``APIRoute`` whose synchronous endpoint runs through ``one_hop``."""

    def __init__(self, path: str, endpoint: Callable[..., Any], **kwargs: Any) -> None:
        super().__init__(path, one_hop(endpoint), **kwargs)


class ServiceRouter(APIRouter):
    """The router every service's API module declares its routes on."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(route_class=OneHopRoute, **kwargs)
