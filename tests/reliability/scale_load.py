"""Three instances of every service, and a client that spreads the demo's commands over them.

The client sends each command with an ``Idempotency-Key`` (also its correlation id, so its
events can be found on Kafka) and sends it again, with the same key, to the next instance
when the connection fails or the answer is a 5xx: what a load balancer's client does.
"""

import asyncio
import itertools
import uuid
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import httpx
from prometheus_client.parser import text_string_to_metric_families
from rich.progress import Progress

from services.cli.faults.fleet import Fleet
from services.cli.workload.runner import Runner
from services.cli.workload.steps import Step
from services.runtime.testing import ServiceProcess

FOUR = ("incidents", "disclosure", "staffing", "reporting")
INSTANCES = 3
# A command is sent at most this many times (to successive instances) before it fails.
ATTEMPTS = 12
# A standby relay looks for the leadership lock this often (the default is 1 s).
FAST_RELAY = {
    "RELAY_STANDBY_POLL_SECONDS": "0.2",
    "RELAY_POLL_SECONDS": "0.2",
    "RELAY_BACKOFF_INITIAL_SECONDS": "0.2",
    "RELAY_BACKOFF_MAX_SECONDS": "1",
}


@dataclass
class Replicas(Fleet):
    """``INSTANCES`` processes of each service on ports of their own, sharing its database.

    Unlike the fault suite's fleet, each instance runs its relay in process, as a deployment
    of replicas does: the instances of a store elect one leader by the advisory lock.
    """

    first_port: int = 0
    instances: dict[str, list[ServiceProcess]] = field(default_factory=dict)

    def env(self, service: str) -> dict[str, str]:
        """The fleet's environment of ``service``, with its relays on (and quick to take over)."""
        prefix = f"SSP_{service.upper()}_"
        env = {k: v for k, v in super().env(service).items() if k != f"{prefix}RELAY_ENABLED"}
        return env | {prefix + k: v for k, v in FAST_RELAY.items()}

    def start(self) -> None:
        """Spawn every instance at once (they migrate and elect concurrently), then wait."""
        ports = itertools.count(self.first_port)
        for service in FOUR:
            self.instances[service] = [self._spawn(service, next(ports)) for _ in range(INSTANCES)]
        self.wait_ready()

    def urls(self) -> dict[str, str]:
        """The first instance's URL of each service (for the fleet's callers)."""
        return {s: p[0].url for s, p in self.instances.items()}

    def replace(self, service: str, victim: ServiceProcess) -> None:
        """Start a new instance on ``victim``'s port, as a Deployment replaces a lost pod."""
        index = self.instances[service].index(victim)
        self.instances[service][index] = self._spawn(service, victim.port)

    def wait_ready(self) -> None:
        """Return once every instance answers /readyz."""
        for processes in self.instances.values():
            for process in processes:
                self._ready(process, timeout=240)

    def relay_leaders(self, service: str) -> list[ServiceProcess]:
        """The instances whose relay holds the store's lock, by their ``ssp_relay_leader``."""
        found = []
        for process in self.instances[service]:
            try:
                text = httpx.get(f"{process.url}/metrics", timeout=5).text
            except httpx.HTTPError:
                continue  # a killed instance
            for family in text_string_to_metric_families(text):
                if any(s.name == "ssp_relay_leader" and s.value == 1 for s in family.samples):
                    found.append(process)
        return found

    def stop(self) -> None:
        """Stop every instance still running."""
        for processes in self.instances.values():
            for process in processes:
                process.stop()


@dataclass(frozen=True)
class Answer:
    """A command some instance answered 2xx."""

    service: str
    method: str
    path: str
    key: str
    status: int
    body: bytes


class SpreadRunner(Runner):
    """The workload runner, round-robin over every instance, resending with the same key."""

    def __init__(self, instances: dict[str, list[str]], limit: int) -> None:
        super().__init__({s: u[0] for s, u in instances.items()}, limit, Progress(disable=True))
        self.instances = instances
        self.turns = itertools.count()
        self.answers: list[Answer] = []
        self.resent: Counter[str] = Counter()
        # Keys whose first answer died with its instance after the commit (409 in doubt).
        self.in_doubt: list[str] = []

    async def send(self, step: Step, path: str, body: Any) -> httpx.Response:
        """Send to the next instance; on a failed connection or a 5xx, to the one after."""
        headers = dict(self.headers(step.who, step.service))
        keyed = step.method in ("POST", "PUT")
        key = str(uuid.uuid4())  # also the correlation id, which must be a UUID
        if keyed:
            headers |= {"Idempotency-Key": key, "X-Correlation-ID": key}
        urls = self.instances[step.service]
        for attempt in range(ATTEMPTS):
            url = urls[next(self.turns) % len(urls)] + path
            try:
                async with self.limit:
                    response = await self.client.request(
                        step.method, url, json=body, headers=headers
                    )
            except httpx.TransportError as exc:
                self.resent[type(exc).__name__] += 1
                await asyncio.sleep(0.1 * attempt)
                continue
            if response.status_code >= 500:
                self.resent[f"{step.service} {response.status_code}"] += 1
                await asyncio.sleep(0.1 * attempt)
                continue
            if response.status_code == 409 and b"idempotency-key-in-doubt" in response.content:
                self.in_doubt.append(key)
            if keyed and 200 <= response.status_code < 300:
                self.answers.append(
                    Answer(step.service, step.method, path, key, response.status_code,
                           response.content)
                )  # fmt: skip
            return response
        raise httpx.ConnectError(f"no instance of {step.service} answered {path}")

    async def everywhere(self, step: Step) -> list[httpx.Response]:
        """One command with one key sent to every instance at once; each answer is recorded."""
        key = str(uuid.uuid4())  # also the correlation id, which must be a UUID
        headers = {**self.headers(step.who, step.service), "Idempotency-Key": key}
        headers["X-Correlation-ID"] = key
        answers = await asyncio.gather(
            *(
                self.client.request(step.method, url + step.path, json=step.body, headers=headers)
                for url in self.instances[step.service]
            )
        )
        for r in answers:
            if 200 <= r.status_code < 300:
                self.answers.append(
                    Answer(step.service, step.method, step.path, key, r.status_code, r.content)
                )
        return answers
