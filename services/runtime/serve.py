"""Run one service under uvicorn, configured from the environment."""

import contextlib
import gc
import importlib
from collections.abc import AsyncIterator
from typing import Any

import uvicorn
from fastapi import FastAPI

from services.runtime.logs import configure_logging
from services.runtime.malloc_tuning import tune_malloc
from services.runtime.production import check_production
from services.runtime.service import create_service_app
from services.runtime.settings import ServiceSettings

SERVICES = ("incidents", "disclosure", "staffing", "reporting", "selftest")


def spec_module(service: str) -> str:
    """The module holding ``service``'s SPEC (the canary lives in the runtime)."""
    return "services.runtime.selftest" if service == "selftest" else f"services.{service}.main"


# httptools (C) parses HTTP instead of h11 (pure Python). uvloop was measured too and left out:
# it sped the raw endpoint up but slowed the services' command path by a third (its sync
# endpoints hand every request to a thread and back; bench/README.md, "The command path").
# The benchmark's raw endpoint runs under the same options.
SERVER_OPTIONS: dict[str, Any] = {
    "log_config": None,
    "access_log": False,
    "loop": "asyncio",
    "http": "httptools",
}


def serve(service: str, port: int | None = None) -> None:
    """Start ``service`` on its configured host and port until interrupted."""
    if service not in SERVICES:
        raise ValueError(f"service must be one of {', '.join(SERVICES)}")
    settings = ServiceSettings.for_service(service, **({"port": port} if port else {}))
    check_production(settings)  # before anything could generate a development key
    tune_malloc()
    configure_logging(service)
    module = importlib.import_module(spec_module(service))
    create_app = getattr(module, "create_app", lambda s: create_service_app(module.SPEC, s))
    app = create_app(settings)
    _freeze_after_start(app)
    uvicorn.run(
        app,
        host=settings.host,
        port=settings.port,
        **SERVER_OPTIONS,
    )


def _freeze_after_start(app: FastAPI) -> None:
    """Once started, keep what start-up built out of the cyclic garbage collector."""
    started = app.router.lifespan_context

    @contextlib.asynccontextmanager
    async def lifespan(a: FastAPI) -> AsyncIterator[Any]:
        async with started(a) as state:
            # Imports, the store, clients: they live as long as the process. Frozen, a full
            # collection under load scans only what came since (it took 0.2-0.5 s a time
            # before, stalling the relay and requests; bench/README.md, "End to end").
            gc.collect()
            gc.freeze()
            yield state

    app.router.lifespan_context = lifespan
