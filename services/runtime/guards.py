"""Request guards, outermost and before any body is parsed: the write's token, the body's size."""

import logging

import jwt
from fastapi import FastAPI, HTTPException
from fastapi.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from services.runtime.auth import VERIFIED, verify_token

log = logging.getLogger(__name__)


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
            await answer(send, BodyTooLarge(self.limit))
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


async def answer(send: Send, exc: HTTPException) -> None:
    """Answer ``exc`` as its JSON refusal, from a pure ASGI middleware."""
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
                detail = {"rule": "bearer-token", "message": refusal, "field": None}
                await answer(send, HTTPException(401, detail, headers=headers))
                return
        await self.app(scope, receive, send)


_WRITES = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def _token_refusal(scope: Scope) -> str | None:
    header = dict(scope["headers"]).get(b"authorization", b"").decode("latin-1")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return "missing bearer token"
    try:
        principal = verify_token(scope["app"].state.ssp.permissions.verifier, token.strip())
    except jwt.InvalidTokenError as exc:
        return f"invalid bearer token: {exc}"
    # Kept for the permission check, so a write's token is verified once, not twice.
    scope.setdefault("state", {})[VERIFIED] = principal
    return None


def install_request_guards(app: FastAPI, limit: int) -> None:
    """Before any body is read: a write's bearer token, then the body's size (413 over limit)."""
    app.add_middleware(BodyLimit, limit=limit)
    app.add_middleware(BearerFirst)  # added last, so it runs first
