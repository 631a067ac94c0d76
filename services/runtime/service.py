"""The service skeleton every composition root builds on: lifespan, broker, store, relay."""

import asyncio
import contextlib
import logging
import uuid
from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import asyncpg
from eventsourcing.application import Application
from fastapi import APIRouter, Depends, FastAPI
from fastapi.responses import JSONResponse
from faststream.kafka import KafkaBroker
from faststream.kafka.prometheus import KafkaPrometheusMiddleware
from prometheus_client import CollectorRegistry

from services.runtime.auth import Permissions
from services.runtime.clock import Clock, SystemClock
from services.runtime.dbroles import SchemaStep, migrate
from services.runtime.eventstore import open_application
from services.runtime.guards import install_request_guards
from services.runtime.http import (
    install_asyncapi,
    install_correlation,
    install_error_handlers,
    install_probes,
)
from services.runtime.idempotency import IdempotencyKeys
from services.runtime.identity import store_identity
from services.runtime.kafka_security import kafka_client
from services.runtime.metrics import ProjectionMetrics, RelayMetrics
from services.runtime.positions import install_positions, min_position
from services.runtime.projection import Projection
from services.runtime.relay import OutboxRelay
from services.runtime.runner import ProjectionRunner
from services.runtime.settings import ServiceSettings
from services.runtime.tokens import verifier_for
from services.runtime.translation import Translator
from services.runtime.view_runner import ViewRunner, view_step
from services.runtime.views_pg import LogView, MemoryView, PostgresView

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
    store_id: uuid.UUID | None = None
    pool: asyncpg.Pool | None = None
    broker: KafkaBroker | None = None
    relay: OutboxRelay | None = None
    relay_task: asyncio.Task[None] | None = None
    runners: list[ProjectionRunner] = field(default_factory=list)
    tasks: list[asyncio.Task[Any]] = field(default_factory=list)
    clock: Clock = field(default_factory=SystemClock)
    # The service's own views by name (tables, or in memory for fast tests) and their runner.
    views: dict[str, PostgresView | MemoryView] = field(default_factory=dict)
    view_runner: ViewRunner | None = None
    # The service's own typed context (its views, policy), made by ``ServiceSpec.context``;
    # endpoints reach it through the service's ``api/context.py``.
    service: object = None


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
    # Builds the service's typed context once the store and pool are open.
    context: Callable[[ServiceContext], object] | None = None
    on_start: Callable[[ServiceContext], Any] | None = None
    # Tables the migration role creates for this service, and what the service keeps on them.
    schema: SchemaStep | None = None
    # Views folded from the service's own notification log into tables (view_runner).
    views: Sequence[LogView] = ()

    def __post_init__(self) -> None:
        if self.views:
            # The views' tables are the migration's too, after the service's own schema.
            self.schema = view_step(self.views, self.schema)


def create_service_app(
    spec: ServiceSpec, settings: ServiceSettings, clock: Clock | None = None
) -> FastAPI:
    """The FastAPI app of a service; connects to nothing until its lifespan starts."""
    ctx = ServiceContext(settings, Permissions(verifier_for(settings), spec.permission_table))
    if clock is not None:
        ctx.clock = clock
    # Built now, connected in the lifespan: the AsyncAPI document exists either way.
    ctx.broker = KafkaBroker(
        settings.kafka_bootstrap,
        client_id=f"ssp-{settings.service}",
        security=kafka_client(settings.service, settings.kafka_bootstrap).faststream(),
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
    install_positions(app)  # inside the idempotency keys: a replayed answer keeps its position
    app.add_middleware(IdempotencyKeys)  # inside the guards: token checked, body bounded
    install_request_guards(app, settings.max_body_bytes)
    install_error_handlers(app)
    install_probes(app, lambda: _readiness(ctx))
    _install_readyz(app, ctx)
    install_asyncapi(app, ctx.broker, spec.title, spec.description)
    # Every route of a service with views may wait for the caller's SSP-Min-Position.
    waits = [Depends(min_position)] if spec.views else []
    for router in spec.routers:
        app.include_router(router, dependencies=waits)
    return app


async def _start(ctx: ServiceContext, spec: ServiceSpec) -> None:
    s = ctx.settings
    if s.in_memory:
        # Fast unit tests: the library's in-memory persistence, nothing to connect to.
        if spec.application_class is not None:
            ctx.application = spec.application_class()
            ctx.store_id = uuid.uuid4()
            ctx.views = {v.name: MemoryView(ctx.application, v) for v in spec.views}
        if spec.context is not None:
            ctx.service = spec.context(ctx)
        return
    if s.migrate_on_start:
        await migrate(s, spec.application_class, spec.schema)
    ctx.pool = await asyncpg.create_pool(
        s.pg_dsn, min_size=1, max_size=10, server_settings={"search_path": s.db_schema}
    )
    if spec.application_class is not None:
        ctx.application = await asyncio.to_thread(open_application, spec.application_class, s)
        async with ctx.pool.acquire() as conn:
            # Made with the store: its id names every event it publishes (ce_source).
            ctx.store_id = await store_identity(conn)
        cipher = ctx.application.mapper.cipher if ctx.application is not None else None
        ctx.views = {v.name: PostgresView(ctx.pool, v, cipher) for v in spec.views}
        if spec.views:
            # Several instances may run it: each batch locks its view's position row.
            ctx.view_runner = ViewRunner(ctx.application, ctx.pool, spec.views)
            ctx.tasks.append(asyncio.create_task(ctx.view_runner.run(), name="view-runner"))
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
    # Neither the broker nor the relay may hold start-up back: writes go on while Kafka is
    # away (the outbox keeps every event) and both connect in the background.
    ctx.tasks.append(asyncio.create_task(_start_broker(ctx), name="kafka-consumers"))
    if ctx.application is not None and spec.translator is not None and s.relay_enabled:
        relay_metrics = RelayMetrics(ctx.registry, relay=f"{s.service}-outbox")
        ctx.relay = OutboxRelay(ctx.application, spec.translator, s, relay_metrics)
        ctx.relay_task = asyncio.create_task(ctx.relay.run(), name="outbox-relay")
    if spec.context is not None:
        ctx.service = spec.context(ctx)
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


async def _start_broker(ctx: ServiceContext) -> None:
    """Start FastStream's broker (producer and projection consumers), retrying until Kafka is up."""
    assert ctx.broker is not None
    delay = ctx.settings.relay_backoff_initial_seconds
    while True:
        try:
            await ctx.broker.start()
            log.info("kafka consumers of %s started", ctx.settings.service)
            return
        except Exception as exc:  # Kafka away: retry in the background
            log.warning(
                "kafka not reachable for %s (%s); retrying in %.1fs",
                ctx.settings.service,
                exc,
                delay,
            )
            with contextlib.suppress(Exception):
                await ctx.broker.stop()
            await asyncio.sleep(delay)
            delay = min(delay * 2, ctx.settings.relay_backoff_max_seconds)


async def _stop(ctx: ServiceContext) -> None:
    if ctx.relay is not None and ctx.relay_task is not None:
        # SIGTERM drains: batches in flight are acknowledged and their position stored.
        ctx.relay.request_stop()
        with contextlib.suppress(Exception):
            await asyncio.wait_for(ctx.relay_task, ctx.settings.relay_drain_seconds)
    for task in ctx.tasks:
        task.cancel()
    await asyncio.gather(*ctx.tasks, return_exceptions=True)
    if ctx.broker is not None:
        await ctx.broker.stop()
    if ctx.pool is not None:
        await ctx.pool.close()
    if ctx.application is not None:
        await asyncio.to_thread(ctx.application.close)


def _install_readyz(app: FastAPI, ctx: ServiceContext) -> None:
    """/readyz that also reports Kafka and the relay without answering non-200 for them."""
    app.router.routes[:] = [r for r in app.router.routes if getattr(r, "path", "") != "/readyz"]

    @app.get("/readyz", tags=["ops"], summary="Readiness: database; Kafka and relay reported")
    async def readyz() -> JSONResponse:
        checks, pipeline = await _pipeline_readiness(ctx)
        ok = all(v == "ok" for v in checks.values())
        return JSONResponse(
            {"status": "ok" if ok else "unavailable", "checks": checks, "pipeline": pipeline},
            status_code=200 if ok else 503,
        )


async def _readiness(ctx: ServiceContext) -> dict[str, str]:
    return (await _pipeline_readiness(ctx))[0]


async def _pipeline_readiness(ctx: ServiceContext) -> tuple[dict[str, str], dict[str, str]]:
    """(checks that decide readiness, states reported beside them)."""
    checks: dict[str, str] = {}
    if ctx.settings.in_memory:
        return {"in_memory": "ok"}, {}
    try:
        assert ctx.pool is not None
        await ctx.pool.fetchval("SELECT 1")
        checks["postgres"] = "ok"
    except Exception as exc:
        checks["postgres"] = f"failed: {exc}"
    # Kafka and the relay are reported, not required: the write API works while they are away.
    pipeline: dict[str, str] = {}
    ok = ctx.broker is not None and await ctx.broker.ping(timeout=2.0)
    pipeline["kafka"] = "ok" if ok else "unavailable: no answer (events wait in the outbox)"
    for task in ctx.tasks:
        if task.get_name() != "kafka-consumers":
            checks[task.get_name()] = "ok" if not task.done() else "stopped"
    if ctx.relay is not None:
        pipeline["outbox-relay"] = ctx.relay.status()
    return checks, pipeline
