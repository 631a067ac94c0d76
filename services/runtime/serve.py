"""Run one service under uvicorn, configured from the environment."""

import importlib

import uvicorn

from services.runtime.logs import configure_logging
from services.runtime.settings import ServiceSettings

SERVICES = ("incidents", "disclosure", "staffing", "reporting")


def serve(service: str, port: int | None = None) -> None:
    """Start ``service`` on its configured host and port until interrupted."""
    if service not in SERVICES:
        raise ValueError(f"service must be one of {', '.join(SERVICES)}")
    settings = ServiceSettings.for_service(service, **({"port": port} if port else {}))
    configure_logging(service)
    create_app = importlib.import_module(f"services.{service}.main").create_app
    uvicorn.run(
        create_app(settings),
        host=settings.host,
        port=settings.port,
        log_config=None,
        access_log=False,
    )
