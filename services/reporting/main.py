"""Composition root of the reporting service (read side only)."""

from fastapi import FastAPI

from services.reporting.api.abstraction import router as abstraction_router
from services.reporting.api.audit import router as audit_router
from services.reporting.api.performance import router as performance_router
from services.reporting.permissions import PERMISSIONS
from services.reporting.views import runner_specs
from services.runtime.service import RunnerSpec, ServiceContext, ServiceSpec, create_service_app
from services.runtime.settings import ServiceSettings


def projections(_: ServiceContext) -> list[RunnerSpec]:
    """The runners of the reporting service and the read models each keeps."""
    return runner_specs()


SPEC = ServiceSpec(
    title="SSP reporting",
    description="Audit trail, abstraction and ring-fencing metrics, performance framework.",
    permission_table=PERMISSIONS,
    routers=[audit_router, abstraction_router, performance_router],
    projections=projections,
)


def create_app(settings: ServiceSettings | None = None) -> FastAPI:
    """The reporting service app, built from the environment unless given settings."""
    return create_service_app(SPEC, settings or ServiceSettings.for_service("reporting"))
