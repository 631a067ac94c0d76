"""Composition root of the disclosure service."""

from fastapi import FastAPI

from services.disclosure.api import routers
from services.disclosure.application import DisclosureApplication
from services.disclosure.permissions import PERMISSIONS
from services.disclosure.settings import DisclosurePolicy
from services.disclosure.translation import translator
from services.runtime.service import ServiceSpec, create_service_app
from services.runtime.settings import ServiceSettings

SPEC = ServiceSpec(
    title="SSP disclosure",
    description=(
        "Section 115 Crime and Disorder Act 1998 information requests: written request,"
        " head teacher's countersignature, urgent path, decision, release, closure, and the"
        " register of all disclosures with its data sharing log."
    ),
    permission_table=PERMISSIONS,
    routers=routers,
    application_class=DisclosureApplication,
    translator=translator,
)


def create_app(settings: ServiceSettings | None = None) -> FastAPI:
    """The disclosure service app, built from the environment unless given settings."""
    settings = settings or ServiceSettings.for_service("disclosure")
    app = create_service_app(SPEC, settings)
    app.state.ssp.extras["policy"] = DisclosurePolicy.from_settings(settings)
    return app
