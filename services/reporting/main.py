"""Composition root of the reporting service (read side only)."""

import asyncio

from fastapi import FastAPI
from ssp_contracts.events.audit import AuditCheckpointSigned
from ssp_contracts.topics import AUDIT_CHECKPOINTS_TOPIC

from services.reporting.api.abstraction import router as abstraction_router
from services.reporting.api.audit import router as audit_router
from services.reporting.api.consultations import router as consultations_router
from services.reporting.api.outcomes import router as outcomes_router
from services.reporting.api.performance import router as performance_router
from services.reporting.api.protocols import router as protocols_router
from services.reporting.api.retention import router as retention_router
from services.reporting.api.school_records import router as school_records_router
from services.reporting.checkpointer import Checkpointer, CheckpointMetrics
from services.reporting.metrics import ViewMetrics
from services.reporting.permissions import PERMISSIONS
from services.reporting.schema import migrate_schema
from services.reporting.settings import ReportingSettings
from services.reporting.signing import AuditSettings
from services.reporting.views import runner_specs
from services.runtime.service import RunnerSpec, ServiceContext, ServiceSpec, create_service_app
from services.runtime.settings import ServiceSettings


def projections(_: ServiceContext) -> list[RunnerSpec]:
    """The runners of this reporting process (its role) and the read models each keeps."""
    return runner_specs(ReportingSettings().role)


def start_view_metrics(ctx: ServiceContext) -> None:
    """Serve the view gauges on /metrics, refreshed from the read models in the background."""
    assert ctx.pool is not None
    knobs = ctx.service
    assert isinstance(knobs, ReportingSettings)
    if knobs.role != "audit":
        metrics = ViewMetrics(ctx.registry)
        task = asyncio.create_task(metrics.run(ctx.pool, knobs), name="view-metrics")
        ctx.tasks.append(task)
    # Dead-letter series exist from the start at 0, so alerts and dashboards see a value
    # (Prometheus cannot tell "none yet" from "not scraped" otherwise).
    for runner in ctx.runners:
        for topic in runner.topics:
            for reason in ("decode", "apply"):
                runner.metrics.dead_lettered.labels(runner.name, topic, reason)
    if ctx.settings.projections_enabled and knobs.role != "views":
        start_checkpoints(ctx)


def start_checkpoints(ctx: ServiceContext) -> None:
    """Sign and publish the audit trail's head every N entries or M minutes (AuditSettings)."""
    assert ctx.pool is not None
    metrics = CheckpointMetrics(ctx.registry)
    checkpointer = Checkpointer(ctx.pool, ctx.settings.kafka_bootstrap, AuditSettings(), metrics)
    ctx.tasks.append(asyncio.create_task(checkpointer.run(), name="audit-checkpoints"))


SPEC = ServiceSpec(
    title="SSP reporting",
    description="Audit trail, abstraction and ring-fencing metrics, performance framework.",
    permission_table=PERMISSIONS,
    routers=[
        audit_router,
        consultations_router,
        abstraction_router,
        performance_router,
        outcomes_router,
        protocols_router,
        retention_router,
        school_records_router,
    ],
    projections=projections,
    # Reporting's typed context is its knobs: rates, threshold, the gauges' term and refresh.
    context=lambda _: ReportingSettings(),
    on_start=start_view_metrics,
    schema=migrate_schema,
)


def create_app(settings: ServiceSettings | None = None) -> FastAPI:
    """The reporting service app, built from the environment unless given settings."""
    app = create_service_app(SPEC, settings or ServiceSettings.for_service("reporting"))
    # Declared so the AsyncAPI document lists it; the checkpointer publishes with aiokafka.
    app.state.ssp.broker.publisher(
        AUDIT_CHECKPOINTS_TOPIC.name,
        title=f"{AUDIT_CHECKPOINTS_TOPIC.name}:{AuditCheckpointSigned.event_type}",
        description=f"{AuditCheckpointSigned.event_type}: {AuditCheckpointSigned.__doc__}",
        schema=AuditCheckpointSigned,
    )
    return app
