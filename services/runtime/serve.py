"""Run one service under uvicorn, configured from the environment."""

import importlib

import uvicorn

from services.runtime.logs import configure_logging
from services.runtime.production import check_production
from services.runtime.service import create_service_app
from services.runtime.settings import ServiceSettings

SERVICES = ("incidents", "disclosure", "staffing", "reporting", "selftest")


def spec_module(service: str) -> str:
    """The module holding ``service``'s SPEC (the canary lives in the runtime)."""
    return "services.runtime.selftest" if service == "selftest" else f"services.{service}.main"


def serve(service: str, port: int | None = None) -> None:
    """Start ``service`` on its configured host and port until interrupted."""
    if service not in SERVICES:
        raise ValueError(f"service must be one of {', '.join(SERVICES)}")
    settings = ServiceSettings.for_service(service, **({"port": port} if port else {}))
    check_production(settings)  # before anything could generate a development key
    configure_logging(service)
    module = importlib.import_module(spec_module(service))
    create_app = getattr(module, "create_app", lambda s: create_service_app(module.SPEC, s))
    uvicorn.run(
        create_app(settings),
        host=settings.host,
        port=settings.port,
        log_config=None,
        access_log=False,
    )
