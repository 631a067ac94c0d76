"""HTTP plumbing every service shares: errors, correlation ids, health and metrics."""

import logging
import re
import uuid
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

import jwt
from eventsourcing.application import AggregateNotFoundError
from eventsourcing.persistence import IntegrityError
from fastapi import FastAPI, HTTPException, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from faststream.specification import AsyncAPI
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from services.runtime.auth import verify_token
from services.runtime.domain import NotFound, RuleViolation
from services.runtime.logs import correlation

CORRELATION_HEADER = "X-Correlation-ID"
CORRELATION_ID = re.compile(r"[A-Za-z0-9._:/-]{1,128}\Z")
log = logging.getLogger(__name__)


def install_error_handlers(app: FastAPI) -> None:
    """Domain errors become 4xx answers that name the rule and the field."""

    @app.exception_handler(RuleViolation)
    async def rule_violation(_: Request, exc: RuleViolation) -> JSONResponse:
        detail = {"rule": exc.rule, "message": exc.message, "field": exc.field}
        return JSONResponse({"detail": detail}, status_code=exc.status_code)

    @app.exception_handler(RequestValidationError)
    async def invalid_request(_: Request, exc: RequestValidationError) -> JSONResponse:
        return JSONResponse({"detail": invalid_input(exc.errors())}, status_code=422)

    _document_refusals(app)

    @app.exception_handler(NotFound)
    @app.exception_handler(AggregateNotFoundError)
    async def not_found(_: Request, exc: Exception) -> JSONResponse:
        return JSONResponse({"detail": f"not found: {exc}"}, status_code=404)

    @app.exception_handler(IntegrityError)
    async def conflict(_: Request, exc: IntegrityError) -> JSONResponse:
        # Optimistic concurrency: another command changed the record first.
        message = "conflict: the record was changed concurrently; reload and retry"
        return JSONResponse({"detail": message}, status_code=409)


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
    return {"rule": str(first.get("type", "invalid-input")), "message": message, "field": field}


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

    app.openapi = openapi  # type: ignore[method-assign]


def install_correlation(app: FastAPI) -> None:
    """Every request runs under a correlation id, taken from the caller or made here."""

    @app.middleware("http")
    async def with_correlation(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        cid = request.headers.get(CORRELATION_HEADER) or str(uuid.uuid4())
        if not CORRELATION_ID.match(cid):
            # It is recorded on every event and travels as a Kafka header: keep it a short token.
            message = f"{CORRELATION_HEADER} must be 1-128 letters, digits or ._:/-"
            field = f"header.{CORRELATION_HEADER}"
            detail = {"rule": "correlation-id", "message": message, "field": field}
            return JSONResponse({"detail": detail}, status_code=422)
        token = correlation.set(cid)
        try:
            response = await call_next(request)
        finally:
            correlation.reset(token)
        response.headers[CORRELATION_HEADER] = cid
        return response


class BodyTooLarge(HTTPException):
    """A request body over the service's limit (answered with 413 naming the rule)."""

    def __init__(self, limit: int) -> None:
        message = f"request body exceeds the limit of {limit} bytes"
        super().__init__(413, {"rule": "body-too-large", "message": message, "field": None})


class BodyLimit:
    """Pure ASGI middleware: a body over ``limit`` bytes gets 413 before anything parses it.

    A declared Content-Length over the limit is answered at once, without reading the body;
    a streamed body is counted as it arrives and refused at the first byte over the limit.
    """

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope["headers"]).get(b"content-length", b"")
        if declared.isdigit() and int(declared) > self.limit:
            await _answer(send, BodyTooLarge(self.limit))
            return
        received = 0

        async def counted() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.limit:
                    # FastAPI passes an HTTPException raised while it reads the body on to
                    # its handler, which answers 413 with this detail.
                    raise BodyTooLarge(self.limit)
            return message

        await self.app(scope, counted, send)


async def _answer(send: Send, exc: HTTPException) -> None:
    response = JSONResponse(
        {"detail": exc.detail}, status_code=exc.status_code, headers=exc.headers
    )
    await send(
        {"type": "http.response.start", "status": exc.status_code, "headers": response.raw_headers}
    )
    await send({"type": "http.response.body", "body": response.body})


class BearerFirst:
    """Pure ASGI middleware: a write without a valid bearer token gets 401 before its body is read.

    FastAPI reads a request's body before it resolves the endpoint's dependencies, so the
    permission check (``auth.allow``) comes after the body; this checks the token itself first.
    Every write route of every service declares ``allow``, so none is reachable without one.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] in _WRITES:
            refusal = _token_refusal(scope)
            if refusal is not None:
                log.warning("refused %s %s: %s", scope["method"], scope["path"], refusal)
                headers = {"WWW-Authenticate": "Bearer"}
                await _answer(send, HTTPException(401, refusal, headers=headers))
                return
        await self.app(scope, receive, send)


_WRITES = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def _token_refusal(scope: Scope) -> str | None:
    header = dict(scope["headers"]).get(b"authorization", b"").decode("latin-1")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return "missing bearer token"
    try:
        verify_token(scope["app"].state.ssp.permissions.secret, token.strip())
    except jwt.InvalidTokenError as exc:
        return f"invalid bearer token: {exc}"
    return None


def install_request_guards(app: FastAPI, limit: int) -> None:
    """Before any body is read: a write's bearer token, then the body's size (413 over limit)."""
    app.add_middleware(BodyLimit, limit=limit)
    app.add_middleware(BearerFirst)  # added last, so it runs first


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
