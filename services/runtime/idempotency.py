"""``Idempotency-Key`` on POST and PUT: a retried command is answered, never applied twice.

The key is stored in the same PostgreSQL transaction as the command's events (the recorder
below inserts it before the events), so a key is recorded if and only if its events are:
a crash before that commit leaves neither (the retry applies the command, once), a crash after
it leaves both (the retry finds the key). For a ``Recorded`` answer the key's row also holds
the answer, in that same transaction (see ``answers``), so a retry after a crash just after the
commit gets the first answer. Any other answer is stored just after the commit; a retry
arriving between the two waits for it, and one that finds the answer lost to a crash gets 409
``idempotency-key-in-doubt`` (the command was applied; it is not applied again).
Two identical requests at once: the second's insert of the key waits for the first's
transaction and then fails, so its events are never stored; it is answered as a retry.
"""

import asyncio
import hashlib
import json
import logging
import os
import re
import signal
from typing import Any

from fastapi import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from services.runtime.auth import VERIFIED
from services.runtime.guards import answer
from services.runtime.idempotency_store import CURRENT, Pending

log = logging.getLogger(__name__)

HEADER = b"idempotency-key"
KEY = re.compile(r"[A-Za-z0-9._:-]{8,128}\Z")
# How long a retry waits for the first request's answer to be stored.
ANSWER_WAIT_SECONDS = 5.0
# Answer headers that belong to one response, not to the command's outcome.
_NOT_REPLAYED = {b"content-length", b"date", b"server", b"x-correlation-id"}
# Test-only fault point: an instance SIGKILLs itself right after committing a command whose key
# starts with this prefix, before it could answer (tests/e2e/test_idempotency.py).
_KILL_AFTER_COMMIT = os.environ.get("SSP_FAULT_KILL_AFTER_COMMIT", "")


def _refusal(status: int, rule: str, message: str) -> HTTPException:
    return HTTPException(
        status, {"rule": rule, "message": message, "field": "header.Idempotency-Key"}
    )


class IdempotencyKeys:
    """Pure ASGI middleware: POST and PUT with an ``Idempotency-Key`` are applied once per key."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        raw = dict(scope.get("headers", ())).get(HEADER) if scope["type"] == "http" else None
        ctx = scope["app"].state.ssp if raw is not None else None
        # Only a service with a store applies commands (and has the keys' table).
        pool = ctx.pool if ctx is not None and ctx.store_id is not None else None
        if raw is None or scope["method"] not in ("POST", "PUT") or pool is None:
            await self.app(scope, receive, send)
            return
        key = raw.decode("latin-1")
        if not KEY.match(key):
            message = "must be 8 to 128 letters, digits or . _ : -"
            await answer(send, _refusal(422, "idempotency-key-format", message))
            return
        body, receive = await _buffered(receive)
        principal = scope.get("state", {}).get(VERIFIED)
        caller = f"{principal.role}:{principal.sub}" if principal is not None else "anonymous"
        target = f"{scope['method']} {scope['path']}?".encode() + scope.get("query_string", b"")
        digest = hashlib.sha256(target + b"\n" + body)
        pending = Pending(caller, key, digest.hexdigest(), scope=scope)
        stored = await _stored(pool, pending)
        if stored is not None:
            await _replay(send, pending, stored, pool)
            return
        status, headers, chunks = await _run(self.app, scope, receive, pending)
        if pending.recorded:
            await _after_commit(scope, pool, pending, status, headers, b"".join(chunks))
        elif (stored := await _stored(pool, pending)) is not None:
            await _replay(send, pending, stored, pool)  # an identical request got there first
            return
        elif 200 <= status < 300:
            # Applied without storing events (nothing changed): the answer is kept all the same.
            inserted = await _save_answer(pool, pending, status, headers, b"".join(chunks), True)
            if not inserted and (stored := await _stored(pool, pending)) is not None:
                await _replay(send, pending, stored, pool)
                return
        await _send(send, status, headers, chunks)


async def _after_commit(
    scope: Scope,
    pool: Any,
    pending: Pending,
    status: int,
    headers: list[tuple[bytes, bytes]],
    body: bytes,
) -> None:
    """Store the answer unless the events' transaction already holds it."""
    if _KILL_AFTER_COMMIT and pending.key.startswith(_KILL_AFTER_COMMIT):
        os.kill(os.getpid(), signal.SIGKILL)
    given = (status, _kept(headers), body)
    if pending.stored == given:
        return
    if pending.stored is not None and pending.stored[::2] != given[::2]:
        # A retry after a crash just now would have had the wrong answer: the rule in
        # answers.py does not hold for this route, which must be fixed.
        where = f"{scope['method']} {scope['path']}"
        log.error("answer stored with %s was %r, not %r", where, pending.stored, given)
    await _save_answer(pool, pending, status, headers, body)


async def _buffered(receive: Receive) -> tuple[bytes, Receive]:
    """The whole body (the guards outside have bounded it), and a receive that hands it on."""
    parts, more = [], True
    while more:
        message = await receive()
        if message["type"] != "http.request":
            break
        parts.append(message.get("body", b""))
        more = message.get("more_body", False)
    body, given = b"".join(parts), False

    async def again() -> Message:
        nonlocal given
        if not given:
            given = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return body, again


async def _run(
    app: ASGIApp, scope: Scope, receive: Receive, pending: Pending
) -> tuple[int, list[tuple[bytes, bytes]], list[bytes]]:
    status, headers, chunks = 500, [], []

    async def capture(message: Message) -> None:
        nonlocal status, headers
        if message["type"] == "http.response.start":
            status, headers = message["status"], list(message.get("headers", []))
        elif message["type"] == "http.response.body":
            chunks.append(message.get("body", b""))

    token = CURRENT.set(pending)
    try:
        await app(scope, receive, capture)
    finally:
        CURRENT.reset(token)
    return status, headers, chunks


async def _stored(pool: Any, pending: Pending) -> Any:
    return await pool.fetchrow(
        "SELECT fingerprint, status, headers, body FROM ssp_idempotency_keys"
        " WHERE caller = $1 AND key = $2",
        pending.caller,
        pending.key,
    )


async def _save_answer(
    pool: Any,
    pending: Pending,
    status: int,
    headers: list[tuple[bytes, bytes]],
    body: bytes,
    insert: bool = False,
) -> bool:
    kept = _kept(headers)
    if insert:
        done = await pool.execute(
            "INSERT INTO ssp_idempotency_keys (caller, key, fingerprint, status, headers, body)"
            " VALUES ($1, $2, $3, $4, $5::jsonb, $6) ON CONFLICT DO NOTHING",
            pending.caller, pending.key, pending.fingerprint, status, kept, body,
        )  # fmt: skip
        return bool(done == "INSERT 0 1")
    await pool.execute(
        "UPDATE ssp_idempotency_keys SET status = $3, headers = $4::jsonb, body = $5"
        " WHERE caller = $1 AND key = $2",
        pending.caller, pending.key, status, kept, body,
    )  # fmt: skip
    return True


def _kept(headers: list[tuple[bytes, bytes]]) -> str:
    """The answer's headers that are replayed, as stored (JSON)."""
    return json.dumps(
        [
            [k.decode("latin-1"), v.decode("latin-1")]
            for k, v in headers
            if k.lower() not in _NOT_REPLAYED
        ]
    )


async def _replay(send: Send, pending: Pending, stored: Any, pool: Any) -> None:
    """The first request's answer; 422 if the key came with another request; 409 if lost."""
    if stored["fingerprint"] != pending.fingerprint:
        message = "this key was used for another request; use a new key for a new command"
        await answer(send, _refusal(422, "idempotency-key-reused", message))
        return
    waited = 0.0
    while stored["status"] is None and waited < ANSWER_WAIT_SECONDS:
        await asyncio.sleep(0.05)
        waited += 0.05
        stored = await _stored(pool, pending)
    if stored["status"] is None:
        message = "the command with this key was applied; its answer was not kept"
        await answer(send, _refusal(409, "idempotency-key-in-doubt", message))
        return
    headers = [(k.encode("latin-1"), v.encode("latin-1")) for k, v in json.loads(stored["headers"])]
    await _send(
        send,
        stored["status"],
        [*headers, (b"idempotent-replayed", b"true")],
        [bytes(stored["body"])],
    )


async def _send(
    send: Send, status: int, headers: list[tuple[bytes, bytes]], chunks: list[bytes]
) -> None:
    body = b"".join(chunks)
    kept = [(k, v) for k, v in headers if k.lower() != b"content-length"]
    kept.append((b"content-length", str(len(body)).encode()))
    await send({"type": "http.response.start", "status": status, "headers": kept})
    await send({"type": "http.response.body", "body": body})
