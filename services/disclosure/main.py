"""Composition root of the disclosure service."""

import logging

from fastapi import FastAPI

from services.disclosure.api import routers
from services.disclosure.api.context import DisclosureContext
from services.disclosure.application import DisclosureApplication
from services.disclosure.permissions import PERMISSIONS
from services.disclosure.settings import DisclosurePolicy
from services.disclosure.translation import translator
from services.disclosure.views.register import REGISTER, Register
from services.runtime import actors_api, erasure
from services.runtime.clock import Clock
from services.runtime.key_events import start_subject_jobs
from services.runtime.service import ServiceSpec, create_service_app
from services.runtime.settings import ServiceSettings

log = logging.getLogger("ssp.auth")

SPEC = ServiceSpec(
    title="SSP disclosure",
    description=(
        "Section 115 Crime and Disorder Act 1998 information requests: written request,"
        " head teacher's countersignature, urgent path, decision, release, closure, and the"
        " register of all disclosures with its data sharing log."
    ),
    permission_table=PERMISSIONS,
    routers=[*routers, actors_api.router, erasure.router],
    application_class=DisclosureApplication,
    translator=translator,
    views=[REGISTER],
    context=lambda ctx: DisclosureContext(
        ctx.application,
        Register(ctx.views[REGISTER.name]),
        DisclosurePolicy(),
        ctx.clock,
    ),
    on_start=start_subject_jobs,
)


def create_app(settings: ServiceSettings | None = None, clock: Clock | None = None) -> FastAPI:
    """The disclosure service app, built from the environment unless given settings."""
    settings = settings or ServiceSettings.for_service("disclosure")
    app = create_service_app(SPEC, settings, clock)

    return app
