"""Every route hops to a thread at most once, through the runtime's pool, with its context."""

import asyncio
import contextvars
import inspect
import threading
from importlib import import_module
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient

from services.runtime.routing import ServiceRouter, in_thread, one_hop
from services.runtime.testing import api_routes, dependencies

SERVICES = ("incidents", "disclosure", "staffing", "reporting")


@pytest.mark.parametrize("service", SERVICES)
def test_no_route_hops_through_anyio(service: str) -> None:
    # A plain endpoint or dependency costs a command an anyio hop (12-15 % of its CPU when
    # measured); endpoints go through ServiceRouter, dependencies are coroutines.
    app = import_module(f"services.{service}.main").create_app()
    routes = api_routes(app)
    assert len(routes) > 20
    plain = {r.path: r.endpoint.__qualname__ for r in routes if not _is_coroutine(r)}
    assert plain == {}
    slow = {r.path: sorted(set(_plain_calls(r))) for r in routes}
    assert {path: calls for path, calls in slow.items() if calls} == {}


def _plain_calls(route: APIRoute) -> list[str]:
    """Dependencies FastAPI would run in anyio's thread pool (any that is not a coroutine)."""
    calls = [d.call for d in dependencies(route) if d.call is not None]
    return [
        getattr(c, "__qualname__", repr(c)) for c in calls if not inspect.iscoroutinefunction(c)
    ]


def _is_coroutine(route: APIRoute) -> bool:
    return inspect.iscoroutinefunction(inspect.unwrap(route.endpoint))


def test_one_hop_keeps_what_fastapi_reads() -> None:
    def endpoint(school_id: str, limit: int = 5) -> dict[str, int]:
        """Answer the school."""
        return {school_id: limit}

    wrapped = one_hop(endpoint)
    assert inspect.iscoroutinefunction(wrapped)
    assert not hasattr(wrapped, "__wrapped__")  # else FastAPI would unwrap it back to plain
    assert wrapped.__name__ == "endpoint" and wrapped.__doc__ == "Answer the school."
    assert inspect.signature(wrapped) == inspect.signature(endpoint)
    assert asyncio.run(wrapped(school_id="a", limit=2)) == {"a": 2}


def test_a_plain_endpoint_runs_off_the_loop_with_the_request_context() -> None:
    seen: contextvars.ContextVar[str] = contextvars.ContextVar("seen", default="none")
    router = ServiceRouter()
    loop_thread: list[int] = []

    @router.get("/where/{name}")
    def where(name: str) -> dict[str, object]:
        """Which thread ran it, and the context variable it saw."""
        return {"thread": threading.get_ident(), "seen": seen.get(), "name": name}

    app = FastAPI()

    @app.middleware("http")
    async def mark(request: Any, call_next: Any) -> Any:
        loop_thread.append(threading.get_ident())
        seen.set("from the request")
        return await call_next(request)

    app.include_router(router)
    body = TestClient(app).get("/where/x").json()
    assert body["seen"] == "from the request" and body["name"] == "x"
    assert body["thread"] != loop_thread[0]
    openapi = app.openapi()["paths"]["/where/{name}"]["get"]
    assert openapi["description"] == "Which thread ran it, and the context variable it saw."
    assert openapi["parameters"][0]["name"] == "name"


def test_in_thread_raises_what_the_call_raised() -> None:
    def fails() -> None:
        raise LookupError("no such school")

    with pytest.raises(LookupError, match="no such school"):
        asyncio.run(in_thread(fails))
