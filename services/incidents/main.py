"""Composition root of the incidents service."""

from fastapi import FastAPI

from services.incidents.api import router
from services.incidents.application import IncidentsApplication
from services.incidents.permissions import PERMISSIONS
from services.incidents.translation import translator
from services.runtime.service import ServiceSpec, create_service_app
from services.runtime.settings import ServiceSettings

SPEC = ServiceSpec(
    title="SSP incidents",
    description="Incidents, searches of pupils, evidence, arrests and school indicators.",
    permission_table=PERMISSIONS,
    routers=[router],
    application_class=IncidentsApplication,
    translator=translator,
)


def create_app(settings: ServiceSettings | None = None) -> FastAPI:
    """The incidents service app, built from the environment unless given settings."""
    return create_service_app(SPEC, settings or ServiceSettings.for_service("incidents"))
