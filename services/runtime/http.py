"""HTTP plumbing every service shares: errors, correlation ids, health and metrics."""

import logging
import re
import uuid
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from eventsourcing.application import AggregateNotFoundError
from eventsourcing.persistence import IntegrityError
from fastapi import FastAPI, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from faststream.specification import AsyncAPI
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from services.runtime.domain import NotFound, Refused, RuleViolation, rule_of_error
from services.runtime.logs import correlation

CORRELATION_HEADER = "X-Correlation-ID"
# A caller's correlation id travels on every event it causes (a Kafka header): only a UUID is
# taken, so no caller can put a name, a case number or any other text there.
CORRELATION_ID = re.compile(r"[0-9a-fA-F]{8}(-[0-9a-fA-F]{4}){3}-[0-9a-fA-F]{12}\Z")
log = logging.getLogger(__name__)
# Refusals share the permission check's logger, so one filter finds them all.
refusals = logging.getLogger("ssp.auth")


def install_error_handlers(app: FastAPI) -> None:
    """Domain errors become 4xx answers that name the rule and the field."""

    @app.exception_handler(RuleViolation)
    async def rule_violation(request: Request, exc: RuleViolation) -> JSONResponse:
        detail: dict[str, Any] = {"rule": exc.rule, "message": exc.message, "field": exc.field}
        if isinstance(exc, Refused) and exc.errors is not None:
            detail["errors"] = exc.errors
        if exc.status_code in (401, 403) and not exc.logged:
            # Every refusal of a caller is logged once, wherever it was raised (DESIGN: security).
            principal = getattr(request.state, "principal", None)
            refusals.warning(
                "refused %s %s: %s",
                request.method,
                request.url.path,
                exc.message,
                extra={
                    "rule": exc.rule,
                    "status": exc.status_code,
                    "actor": getattr(principal, "sub", None),
                },
            )
        headers = {"WWW-Authenticate": "Bearer"} if exc.status_code == 401 else None
        return JSONResponse({"detail": detail}, status_code=exc.status_code, headers=headers)

    @app.exception_handler(RequestValidationError)
    async def invalid_request(_: Request, exc: RequestValidationError) -> JSONResponse:
        return JSONResponse({"detail": invalid_input(exc.errors())}, status_code=422)

    _document_refusals(app)

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
        message = "the record was changed concurrently; reload and retry"
        detail = {"rule": "concurrent-change", "message": message, "field": None}
        return JSONResponse({"detail": detail}, status_code=409)


def invalid_input(errors: Sequence[Any]) -> dict[str, Any]:
    """The first of pydantic's ``errors`` as ``{rule, message, field}``; the rule is its type."""
    if not errors:
        return {"rule": "invalid-input", "message": "the request is not valid", "field": None}
    first = errors[0]
    loc = [str(p) for p in first.get("loc", ())]
    if first.get("type") == "json_invalid":
        loc = ["body"]  # the rest of its location is a character offset, not a field
    elif loc and loc[0] in _PLACES and len(loc) > 1:
        # The field's name says enough inside a body; a parameter keeps where it came from.
        loc = loc[1:] if loc[0] == "body" else loc
    field = ".".join(loc) or None
    more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
    message = f"{field}: {first.get('msg', 'invalid')}{more}" if field else first.get("msg", "")
    rule = rule_of_error(str(first.get("type", "invalid-input")))
    return {"rule": rule, "message": message, "field": field}


_PLACES = frozenset({"body", "query", "path", "header", "cookie"})

# The body of every 4xx the runtime writes, as the OpenAPI document declares it for 422.
REFUSAL_SCHEMA: dict[str, Any] = {
    "title": "Refusal",
    "type": "object",
    "required": ["detail"],
    "properties": {
        "detail": {
            "type": "object",
            "required": ["rule", "message", "field"],
            "properties": {
                "rule": {"type": "string", "description": "The rule broken"},
                "message": {"type": "string"},
                "field": {
                    "anyOf": [{"type": "string"}, {"type": "null"}],
                    "description": "Dotted location of the field at fault, if one is",
                },
            },
        }
    },
}


def _document_refusals(app: FastAPI) -> None:
    """The OpenAPI document shows 422 answers as they are: ``{rule, message, field}``."""
    build = app.openapi

    def openapi() -> dict[str, Any]:
        first = app.openapi_schema is None
        schema = build()
        schemas = schema.get("components", {}).get("schemas", {})
        if first and "HTTPValidationError" in schemas:
            schemas["HTTPValidationError"] = REFUSAL_SCHEMA
            schemas.pop("ValidationError", None)
        return schema

    # FastAPI documents replacing app.openapi; mypy refuses any assignment to a method.
    app.openapi = openapi  # type: ignore[method-assign]


def install_correlation(app: FastAPI) -> None:
    """Every request runs under a correlation id, taken from the caller or made here."""
    app.add_middleware(Correlation)


class Correlation:
    """Pure ASGI middleware (no extra task per request, unlike ``@app.middleware``)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        raw = dict(scope["headers"]).get(CORRELATION_HEADER.lower().encode())
        cid = raw.decode("latin-1") if raw else str(uuid.uuid4())
        if not CORRELATION_ID.match(cid):
            message = (
                f"{CORRELATION_HEADER} must be a UUID, e.g. {uuid.UUID(int=0)}; or leave it out"
            )
            field = f"header.{CORRELATION_HEADER}"
            detail = {"rule": "correlation-id", "message": message, "field": field}
            await JSONResponse({"detail": detail}, status_code=422)(scope, receive, send)
            return
        cid = cid.lower()
        header = (CORRELATION_HEADER.lower().encode(), cid.encode())

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", ()), header]
            await send(message)

        token = correlation.set(cid)
        try:
            await self.app(scope, receive, send_with_id)
        finally:
            correlation.reset(token)


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
