"""Composition root of the incidents service."""

from fastapi import FastAPI

from services.incidents.api import (
    activities,
    custody,
    handoffs,
    incidents,
    pupils,
    safeguarding,
    schools,
    searches,
    subjects,
    today,
)
from services.incidents.api.context import IncidentsContext
from services.incidents.application import IncidentsApplication
from services.incidents.permissions import PERMISSIONS
from services.incidents.translation import translator
from services.incidents.views.cases import CASES
from services.incidents.views.chronology import PUPILS
from services.incidents.views.deployments import (
    DeploymentsProjection,
    InMemoryDeployments,
    PostgresDeployments,
)
from services.incidents.views.disclosures import DisclosuresProjection, PostgresDisclosures
from services.runtime import actors_api, erasure
from services.runtime.clock import Clock
from services.runtime.key_events import start_subject_jobs
from services.runtime.service import RunnerSpec, ServiceContext, ServiceSpec, create_service_app
from services.runtime.settings import ServiceSettings


def runner_specs(db_name: str) -> list[RunnerSpec]:
    """The deployments and disclosures views, one consumer per database that holds them."""
    return [
        (f"incidents.deployments.{db_name}", [DeploymentsProjection()]),
        (f"incidents.disclosures.{db_name}", [DisclosuresProjection()]),
    ]


def projections(ctx: ServiceContext) -> list[RunnerSpec]:
    """The runners of the service's database (``runner_specs``)."""
    return runner_specs(ctx.settings.db_name)


def context(ctx: ServiceContext) -> IncidentsContext:
    """The deployments view from the service's database (in memory for fast tests)."""
    if ctx.settings.in_memory:
        # Fast tests feed this twin with the same staffing payloads the projection applies.
        return IncidentsContext(
            ctx.application,
            InMemoryDeployments(),
            ctx.clock,
            ctx.views[CASES.name],
            ctx.views[PUPILS.name],
        )
    assert ctx.pool is not None
    return IncidentsContext(
        ctx.application,
        PostgresDeployments(ctx.pool),
        ctx.clock,
        ctx.views[CASES.name],
        ctx.views[PUPILS.name],
        PostgresDisclosures(ctx.pool),
    )


SPEC = ServiceSpec(
    title="SSP incidents",
    description=(
        "Incidents, searches of pupils, evidence, arrests and termly school indicators under"
        " the officer-school protocol (MPA 2005, Appendix 2)."
    ),
    permission_table=PERMISSIONS,
    routers=[
        incidents.router,
        searches.router,
        custody.router,
        schools.router,
        activities.router,
        pupils.router,
        subjects.router,
        safeguarding.router,
        today.router,
        handoffs.router,
        actors_api.router,
        erasure.router,
    ],
    application_class=IncidentsApplication,
    translator=translator,
    projections=projections,
    context=context,
    views=[CASES, PUPILS],
    on_start=start_subject_jobs,
)


def create_app(settings: ServiceSettings | None = None, clock: Clock | None = None) -> FastAPI:
    """The incidents service app, built from the environment unless given settings."""
    return create_service_app(SPEC, settings or ServiceSettings.for_service("incidents"), clock)
