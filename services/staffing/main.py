"""Composition root of the staffing service."""

from fastapi import FastAPI

from services.runtime import actors_api
from services.runtime.clock import Clock
from services.runtime.service import ServiceSpec, create_service_app
from services.runtime.settings import ServiceSettings
from services.staffing.api import (
    abstractions,
    deployments,
    imports,
    officers,
    protocols,
    rosters,
    schools,
)
from services.staffing.api.context import StaffingContext
from services.staffing.application import StaffingApplication
from services.staffing.permissions import PERMISSIONS
from services.staffing.translation import translator
from services.staffing.views.index import INDEX

SPEC = ServiceSpec(
    title="SSP staffing",
    description=(
        "Schools, officers, deployments and tenure, ring-fencing, term calendars, rosters,"
        " abstractions and absences notified to schools."
    ),
    permission_table=PERMISSIONS,
    routers=[
        schools.router,
        protocols.router,
        officers.router,
        deployments.router,
        rosters.router,
        abstractions.router,
        imports.router,
        actors_api.router,
    ],
    application_class=StaffingApplication,
    translator=translator,
    views=[INDEX],
    context=lambda ctx: StaffingContext(ctx.application, ctx.clock),
)


def create_app(settings: ServiceSettings | None = None, clock: Clock | None = None) -> FastAPI:
    """The staffing service app, built from the environment unless given settings."""
    return create_service_app(SPEC, settings or ServiceSettings.for_service("staffing"), clock)
