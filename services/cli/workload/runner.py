"""Runs the plan's chains against the services over HTTP, with a bounded number in flight."""

import asyncio
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import httpx
from rich.progress import Progress, TaskID

from services.cli.workload.steps import Chain, Phase, Step, Who, resolve
from services.runtime.settings import shared
from services.runtime.tokens import audience_of, issue_token

# Within the services' default lifetime cap; a run longer than this mints new tokens.
TOKEN_SECONDS = min(900, int(shared("JWT_MAX_LIFETIME_SECONDS", "900")))


@dataclass(frozen=True)
class Refused:
    """A request a service refused (or a probe it did not refuse)."""

    what: str
    status: int
    rule: str
    message: str
    expected: bool


@dataclass
class Outcome:
    """What running the plan did: requests sent, refusals, elapsed seconds."""

    requests: int = 0
    refused: list[Refused] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def unexpected(self) -> list[Refused]:
        """Refusals that reveal a bug in the workload (or a probe that got through)."""
        return [r for r in self.refused if not r.expected]

    def summary(self) -> Counter[tuple[bool, str, int, str]]:
        """Refusals counted by (expected, what, status, rule)."""
        return Counter((r.expected, r.what, r.status, r.rule) for r in self.refused)


def rule_of(body: Any) -> tuple[str, str]:
    """The rule and message of an error answer, whatever shape its detail has."""
    detail = body.get("detail", body) if isinstance(body, dict) else body
    if isinstance(detail, dict):
        return str(detail.get("rule", "?")), str(detail.get("message", detail))
    if isinstance(detail, list) and detail:  # pydantic validation: name the field
        first = detail[0]
        where = ".".join(str(p) for p in first.get("loc", ()))
        return "validation", f"{where}: {first.get('msg', '')}"
    text = str(detail)
    head = text.split(":", 1)[0]
    return (head if " " not in head else "refused"), text


class Runner:
    """Sends each chain's steps in order; many chains at once, at most ``limit`` requests."""

    def __init__(self, urls: dict[str, str], limit: int, progress: Progress) -> None:
        self.urls, self.progress = urls, progress
        self.limit = asyncio.Semaphore(limit)
        # Idle connections are dropped before uvicorn's 5 s keep-alive closes them under us
        # (a POST on a connection the server just closed fails and cannot safely be resent).
        limits = httpx.Limits(
            max_connections=limit, max_keepalive_connections=limit, keepalive_expiry=2.0
        )
        self.client = httpx.AsyncClient(timeout=60, limits=limits)
        # Per caller and service: a token names only the service it is sent to.
        self.tokens: dict[tuple[Who, str], tuple[float, dict[str, str]]] = {}
        self.outcome = Outcome()

    async def close(self) -> None:
        """Close the connection pool."""
        await self.client.aclose()

    def headers(self, who: Who, service: str) -> dict[str, str]:
        """The bearer token of ``who`` for ``service``, minted again before it expires."""
        minted, header = self.tokens.get((who, service), (0.0, {}))
        if time.monotonic() - minted > TOKEN_SECONDS / 2:
            token = issue_token(
                sub=who.sub,
                role=who.role,
                school=who.school,
                borough=who.borough,
                audience=audience_of(service),
                ttl_seconds=TOKEN_SECONDS,
                extra={"staff_ref": who.staff_ref} if who.staff_ref else None,
            )
            header = {"Authorization": f"Bearer {token}"}
            self.tokens[(who, service)] = (time.monotonic(), header)
        return header

    async def run(self, phase: Phase, task: TaskID) -> None:
        """Run every chain of the phase; returns when all have finished."""
        await asyncio.gather(*(self.chain(c, task) for c in phase.chains))

    async def chain(self, chain: Chain, task: TaskID) -> None:
        """Run one chain; a refusal stops it (later steps depend on the refused one)."""
        saved: dict[str, Any] = {}
        for i, step in enumerate(chain.steps):
            ok = await self.step(step, saved)
            self.progress.advance(task)
            if not ok:
                self.progress.advance(task, len(chain.steps) - i - 1)
                return

    async def step(self, step: Step, saved: dict[str, Any]) -> bool:
        """Send one step; record a refusal; whether the chain may go on."""
        path = step.path.format(**saved) if "{" in step.path else step.path
        what = step.what or f"{step.method} {step.service}{step.path}"
        try:
            response = await self.send(step, path, resolve(step.body, saved))
        except httpx.HTTPError as exc:
            self.outcome.refused.append(Refused(what, 0, "unreachable", repr(exc), False))
            return False
        self.outcome.requests += 1
        if response.status_code >= 400:
            rule, message = rule_of(_json(response))
            expected = step.refusal is not None and (
                response.status_code == step.refusal.status and step.refusal.rule in rule + message
            )
            self.outcome.refused.append(
                Refused(what, response.status_code, rule, message, expected)
            )
            return expected
        if step.refusal is not None:
            message = f"answered {response.status_code}; the protocol forbids it"
            self.outcome.refused.append(
                Refused(what, response.status_code, "allowed", message, False)
            )
        answer = _json(response)
        wrong = step.check(answer) if step.check is not None else None
        if wrong is not None:
            self.outcome.refused.append(Refused(what, response.status_code, "check", wrong, False))
            return False
        for name, key in step.save.items():
            saved[name] = answer[key]
        return True

    async def send(self, step: Step, path: str, body: Any) -> httpx.Response:
        """The request, retried when the connection (not the service) failed."""
        url = self.urls[step.service] + path
        for attempt in range(3):
            try:
                async with self.limit:
                    return await self.client.request(
                        step.method, url, json=body, headers=self.headers(step.who, step.service)
                    )
            except httpx.ConnectError:
                if attempt == 2:
                    raise
                await asyncio.sleep(0.5 * (attempt + 1))
        raise AssertionError("unreachable")


def _json(response: httpx.Response) -> Any:
    try:
        return response.json()
    except ValueError:
        return {"detail": response.text[:300]}
