"""The service skeleton every composition root builds on: lifespan, broker, store, relay."""

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import asyncpg
from eventsourcing.application import Application
from fastapi import APIRouter, FastAPI
from faststream.kafka import KafkaBroker
from faststream.kafka.prometheus import KafkaPrometheusMiddleware
from prometheus_client import CollectorRegistry

from services.runtime.auth import Permissions
from services.runtime.eventstore import open_application
from services.runtime.guards import install_request_guards
from services.runtime.http import (
    install_asyncapi,
    install_correlation,
    install_error_handlers,
    install_probes,
)
from services.runtime.keys import jwt_secret
from services.runtime.metrics import ProjectionMetrics, RelayMetrics
from services.runtime.projection import Projection
from services.runtime.relay import OutboxRelay
from services.runtime.runner import ProjectionRunner
from services.runtime.settings import ServiceSettings
from services.runtime.translation import Translator

log = logging.getLogger(__name__)

# A runner name and the projections it applies in one transaction per batch.
RunnerSpec = tuple[str, Sequence[Projection]]


@dataclass
class ServiceContext:
    """Everything a running service holds; endpoints reach it as ``app.state.ssp``."""

    settings: ServiceSettings
    permissions: Permissions
    registry: CollectorRegistry = field(default_factory=CollectorRegistry)
    application: Any = None
    pool: asyncpg.Pool | None = None
    broker: KafkaBroker | None = None
    relay: OutboxRelay | None = None
    runners: list[ProjectionRunner] = field(default_factory=list)
    tasks: list[asyncio.Task[Any]] = field(default_factory=list)
    extras: dict[str, Any] = field(default_factory=dict)


@dataclass
class ServiceSpec:
    """What makes one service: its routers, store, translator and projections."""

    title: str
    description: str
    permission_table: dict[str, set[str]]
    routers: Sequence[APIRouter]
    application_class: type[Application] | None = None
    translator: Translator | None = None
    projections: Callable[[ServiceContext], Sequence[RunnerSpec]] | None = None
    on_start: Callable[[ServiceContext], Any] | None = None


def create_service_app(spec: ServiceSpec, settings: ServiceSettings) -> FastAPI:
    """The FastAPI app of a service; connects to nothing until its lifespan starts."""
    ctx = ServiceContext(
        settings, Permissions(jwt_secret(settings.jwt_secret), spec.permission_table)
    )
    # Built now, connected in the lifespan: the AsyncAPI document exists either way.
    ctx.broker = KafkaBroker(
        settings.kafka_bootstrap,
        client_id=f"ssp-{settings.service}",
        # Per-message consume logs at DEBUG: at INFO they would drown the service's own logs.
        log_level=logging.DEBUG,
        middlewares=[
            KafkaPrometheusMiddleware(registry=ctx.registry, app_name=f"ssp_{settings.service}")
        ],
    )
    if spec.translator is not None:
        _document_publications(ctx.broker, spec.translator)

    @contextlib.asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        await _start(ctx, spec)
        try:
            yield
        finally:
            await _stop(ctx)

    app = FastAPI(
        title=spec.title, description=spec.description, version="1.0.0", lifespan=lifespan
    )
    app.state.ssp = ctx
    install_correlation(app)
    install_request_guards(app, settings.max_body_bytes)
    install_error_handlers(app)
    install_probes(app, lambda: _readiness(ctx))
    install_asyncapi(app, ctx.broker, spec.title, spec.description)
    for router in spec.routers:
        app.include_router(router)
    return app


async def _start(ctx: ServiceContext, spec: ServiceSpec) -> None:
    s = ctx.settings
    if s.in_memory:
        # Fast unit tests: the library's in-memory persistence, nothing to connect to.
        if spec.application_class is not None:
            ctx.application = spec.application_class()
        return
    ctx.pool = await asyncpg.create_pool(
        s.pg_dsn, min_size=1, max_size=10, server_settings={"search_path": s.db_schema}
    )
    if spec.application_class is not None:
        ctx.application = await asyncio.to_thread(open_application, spec.application_class, s)
    assert ctx.broker is not None
    if spec.projections is not None and s.projections_enabled:
        metrics = ProjectionMetrics(ctx.registry)
        for name, projections in spec.projections(ctx):
            runner = ProjectionRunner(
                name,
                projections,
                ctx.pool,
                ctx.broker,
                metrics,
                group_suffix=s.consumer_group_suffix,
            )
            await runner.setup()
            ctx.runners.append(runner)
    await ctx.broker.start()
    if ctx.application is not None and spec.translator is not None and s.relay_enabled:
        ctx.relay = OutboxRelay(ctx.application, spec.translator, s, RelayMetrics(ctx.registry))
        await ctx.relay.start()
        ctx.tasks.append(asyncio.create_task(ctx.relay.run(), name="outbox-relay"))
    if spec.on_start is not None:
        result = spec.on_start(ctx)
        if asyncio.iscoroutine(result):
            await result
    log.info("service %s started", s.service)


def _document_publications(broker: KafkaBroker, translator: Translator) -> None:
    """Declare what the outbox relay publishes, so the AsyncAPI document lists it."""
    for contract in translator.contracts():
        broker.publisher(
            contract.topic,
            title=f"{contract.topic}:{contract.event_type}",
            description=f"{contract.event_type}: {contract.__doc__} (from the outbox relay)",
            schema=contract,
        )


async def _stop(ctx: ServiceContext) -> None:
    for task in ctx.tasks:
        task.cancel()
    await asyncio.gather(*ctx.tasks, return_exceptions=True)
    if ctx.relay is not None:
        await ctx.relay.stop()
    if ctx.broker is not None:
        await ctx.broker.stop()
    if ctx.pool is not None:
        await ctx.pool.close()
    if ctx.application is not None:
        await asyncio.to_thread(ctx.application.close)


async def _readiness(ctx: ServiceContext) -> dict[str, str]:
    checks: dict[str, str] = {}
    if ctx.settings.in_memory:
        return {"in_memory": "ok"}
    try:
        assert ctx.pool is not None
        await ctx.pool.fetchval("SELECT 1")
        checks["postgres"] = "ok"
    except Exception as exc:
        checks["postgres"] = f"failed: {exc}"
    ok = ctx.broker is not None and await ctx.broker.ping(timeout=2.0)
    checks["kafka"] = "ok" if ok else "failed: no answer"
    for task in ctx.tasks:
        checks[task.get_name()] = "ok" if not task.done() else "stopped"
    return checks
