"""Composition root of the incidents service."""

from fastapi import FastAPI

from services.incidents.api import custody, incidents, schools, searches
from services.incidents.application import IncidentsApplication
from services.incidents.deployments import (
    DeploymentsProjection,
    InMemoryDeployments,
    PostgresDeployments,
)
from services.incidents.permissions import PERMISSIONS
from services.incidents.translation import translator
from services.runtime.service import RunnerSpec, ServiceContext, ServiceSpec, create_service_app
from services.runtime.settings import ServiceSettings


def projections(ctx: ServiceContext) -> list[RunnerSpec]:
    """The deployments view, one consumer per database that holds it."""
    return [(f"incidents.deployments.{ctx.settings.db_name}", [DeploymentsProjection()])]


def on_start(ctx: ServiceContext) -> None:
    """Endpoints read the view from the service's database."""
    assert ctx.pool is not None
    ctx.extras["deployments"] = PostgresDeployments(ctx.pool)


SPEC = ServiceSpec(
    title="SSP incidents",
    description=(
        "Incidents, searches of pupils, evidence, arrests and termly school indicators under"
        " the officer-school protocol (MPA 2005, Appendix 2)."
    ),
    permission_table=PERMISSIONS,
    routers=[incidents.router, searches.router, custody.router, schools.router],
    application_class=IncidentsApplication,
    translator=translator,
    projections=projections,
    on_start=on_start,
)


def create_app(settings: ServiceSettings | None = None) -> FastAPI:
    """The incidents service app, built from the environment unless given settings."""
    settings = settings or ServiceSettings.for_service("incidents")
    app = create_service_app(SPEC, settings)
    if settings.in_memory:
        # Fast tests feed this twin with the same staffing payloads the projection applies.
        app.state.ssp.extras["deployments"] = InMemoryDeployments()
    return app
