"""HTTP plumbing every service shares: errors, correlation ids, health and metrics."""

import uuid
from collections.abc import Awaitable, Callable
from typing import Any

from eventsourcing.application import AggregateNotFoundError
from eventsourcing.persistence import IntegrityError
from fastapi import FastAPI, Request, Response
from fastapi.responses import JSONResponse
from faststream.specification import AsyncAPI
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from services.runtime.domain import NotFound, RuleViolation
from services.runtime.logs import correlation

CORRELATION_HEADER = "X-Correlation-ID"


def install_error_handlers(app: FastAPI) -> None:
    """Domain errors become 4xx answers that name the rule and the field."""

    @app.exception_handler(RuleViolation)
    async def rule_violation(_: Request, exc: RuleViolation) -> JSONResponse:
        detail = {"rule": exc.rule, "message": exc.message, "field": exc.field}
        headers = {"WWW-Authenticate": "Bearer"} if exc.status_code == 401 else None
        return JSONResponse({"detail": detail}, status_code=exc.status_code, headers=headers)

    @app.exception_handler(NotFound)
    @app.exception_handler(AggregateNotFoundError)
    async def not_found(_: Request, exc: Exception) -> JSONResponse:
        # One body for "no such record" and "not in your scope", so a refusal never tells a
        # caller that a record exists somewhere they may not look.
        detail = {"rule": "not-found", "message": "no such record", "field": None}
        return JSONResponse({"detail": detail}, status_code=404)

    @app.exception_handler(IntegrityError)
    async def conflict(_: Request, exc: IntegrityError) -> JSONResponse:
        # Optimistic concurrency: another command changed the record first.
        message = "conflict: the record was changed concurrently; reload and retry"
        return JSONResponse({"detail": message}, status_code=409)


def install_correlation(app: FastAPI) -> None:
    """Every request runs under a correlation id, taken from the caller or made here."""

    @app.middleware("http")
    async def with_correlation(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        cid = request.headers.get(CORRELATION_HEADER) or str(uuid.uuid4())
        token = correlation.set(cid)
        try:
            response = await call_next(request)
        finally:
            correlation.reset(token)
        response.headers[CORRELATION_HEADER] = cid
        return response


def install_probes(app: FastAPI, ready: Callable[[], Awaitable[dict[str, str]]]) -> None:
    """/healthz (alive), /readyz (dependencies answer) and /metrics."""

    @app.get("/healthz", tags=["ops"], summary="Liveness")
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/readyz", tags=["ops"], summary="Readiness: database, broker and relay answer")
    async def readyz() -> JSONResponse:
        checks = await ready()
        ok = all(v == "ok" for v in checks.values())
        return JSONResponse(
            {"status": "ok" if ok else "unavailable", "checks": checks},
            status_code=200 if ok else 503,
        )

    @app.get("/metrics", tags=["ops"], summary="Prometheus metrics")
    async def metrics() -> Response:
        return Response(generate_latest(app.state.ssp.registry), media_type=CONTENT_TYPE_LATEST)


def install_asyncapi(app: FastAPI, broker: Any, title: str, description: str) -> None:
    """/asyncapi.json: the Kafka side of the service, as FastStream documents it."""

    @app.get("/asyncapi.json", tags=["ops"], summary="AsyncAPI document of the Kafka interface")
    async def asyncapi() -> JSONResponse:
        spec = AsyncAPI(broker, title=title, description=description, version="1.0.0")
        return JSONResponse(spec.to_specification().to_jsonable())
