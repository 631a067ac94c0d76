"""The services' AsyncAPI documents, committed under contracts/asyncapi/ for subscribers.

Generated from a fixed profile (in-memory app, a placeholder broker address, no topic prefix),
so the committed files change only when the Kafka interface does.
"""

import importlib
import json
from pathlib import Path
from typing import Any

from faststream.specification import AsyncAPI
from ssp_contracts.topics import unprefixed

from services.runtime.metrics import ProjectionMetrics
from services.runtime.runner import ProjectionRunner
from services.runtime.settings import REPO_ROOT, ServiceSettings

DOCS = REPO_ROOT / "contracts" / "asyncapi"
DOCUMENTED = ("incidents", "disclosure", "staffing", "reporting")
# The broker address every committed document names: a deployment's own is its business.
PROFILE = {"in_memory": True, "kafka_bootstrap": "kafka:9092"}


def document(service: str) -> dict[str, Any]:
    """The AsyncAPI document of ``service``'s Kafka interface under the fixed profile."""
    with unprefixed():
        return _document(service)


def _document(service: str) -> dict[str, Any]:
    module = importlib.import_module(f"services.{service}.main")
    app = module.create_app(ServiceSettings.for_service(service, **PROFILE))
    ctx = app.state.ssp
    if module.SPEC.projections is not None:
        # A running service declares its subscribers when it starts; declare them here the
        # same way, without a database (a runner touches its pool only when it consumes).
        metrics = ProjectionMetrics(ctx.registry)
        for name, projections in module.SPEC.projections(ctx):
            # No pool: this runner only declares its subscriber and never consumes.
            ProjectionRunner(name, projections, None, ctx.broker, metrics)  # type: ignore[arg-type]
    spec = AsyncAPI(
        app.state.ssp.broker, title=app.title, description=app.description, version="1.0.0"
    )
    jsonable: dict[str, Any] = spec.to_specification().to_jsonable()
    return jsonable


def rendered(service: str) -> str:
    """The document as committed: indented, keys in a stable order."""
    return json.dumps(document(service), indent=2, sort_keys=True) + "\n"


def path_of(service: str) -> Path:
    """Where ``service``'s document is committed."""
    return DOCS / f"{service}.json"


def write_documents() -> list[Path]:
    """Write every service's document; return the paths."""
    DOCS.mkdir(parents=True, exist_ok=True)
    for service in DOCUMENTED:
        path_of(service).write_text(rendered(service))
    return [path_of(s) for s in DOCUMENTED]


def stale_documents() -> list[str]:
    """Services whose committed document differs from the generated one."""
    return [
        s for s in DOCUMENTED if not path_of(s).exists() or path_of(s).read_text() != rendered(s)
    ]
