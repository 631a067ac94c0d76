"""Helpers for tests that run services against the real local stack."""

import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator, MutableMapping
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import jwt
import psycopg
from kafka import KafkaConsumer, TopicPartition
from ssp_contracts import CloudEvent, EventPayload
from ssp_contracts.events.staffing import STAFFING
from ssp_contracts.topics import kafka_topic

from services.runtime.dbroles import create_database_sql
from services.runtime.kafka_security import AUDITOR, kafka_client
from services.runtime.projection import Connection, Projection
from services.runtime.settings import ServiceSettings, shared, state_dir
from services.runtime.tokens import ALGORITHM, SERVICES, audience_of, dev_signing_key, issue_token

# Tests' tokens name all four services (an identity provider may issue such a token); a test of
# audiences passes its own.
ALL_AUDIENCES = [audience_of(s) for s in SERVICES]


def cloud_event(
    payload: EventPayload,
    subject: str,
    *,
    source: str,
    actor: tuple[str, str],
    sequence: int = 1,
    correlation_id: str | None = None,
) -> CloudEvent:
    """``payload`` as a CloudEvent with a fresh id, as a test or fault injection publishes it."""
    return CloudEvent(
        id=str(uuid.uuid4()),
        source=source,
        type=payload.event_type,
        time=datetime.now(UTC),
        subject=subject,
        actorid=actor[0],
        actorrole=actor[1],
        correlationid=correlation_id or str(uuid.uuid4()),
        sequence=sequence,
        dataschema=payload.dataschema(),
        data=payload.to_data(),
    )


class PositionedClient(httpx.Client):
    """An httpx client that reads its own writes: every query carries ``SSP-Min-Position``,
    the position the last command answered (views are folded in the background)."""

    def __init__(self, base_url: str, timeout: float = 10, **kwargs: Any) -> None:
        self.position: str | None = None
        hooks: dict[str, list[Callable[..., Any]]] = {
            "request": [self._wait_for_writes],
            "response": [self._note_position],
        }
        super().__init__(base_url=base_url, timeout=timeout, event_hooks=hooks, **kwargs)

    def _wait_for_writes(self, request: httpx.Request) -> None:
        if request.method == "GET" and self.position is not None:
            request.headers.setdefault("SSP-Min-Position", self.position)

    def _note_position(self, response: httpx.Response) -> None:
        self.position = response.headers.get("SSP-Position", self.position)


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


class Bearer(MutableMapping[str, str]):
    """An Authorization header whose development token is minted again before it expires.

    Tests keep headers in module constants that outlive one token's capped lifetime.
    """

    def __init__(self, **claims: Any) -> None:
        self.claims = claims
        self.token, self.minted = "", 0.0
        self.others: dict[str, str] = {}  # headers a client adds (TestClient's user-agent)

    def __getitem__(self, key: str) -> str:
        if key != "Authorization":
            return self.others[key]
        lifetime = int(shared("JWT_MAX_LIFETIME_SECONDS", "900"))
        if not self.token or time.time() - self.minted > lifetime / 2:
            self.token, self.minted = issue_token(**self.claims, ttl_seconds=lifetime), time.time()
        return f"Bearer {self.token}"

    def __setitem__(self, key: str, value: str) -> None:
        self.others[key] = value

    def __delitem__(self, key: str) -> None:
        del self.others[key]

    def __iter__(self) -> Iterator[str]:
        return iter(("Authorization", *self.others))

    def __len__(self) -> int:
        return 1 + len(self.others)


def bearer(
    role: str,
    sub: str,
    school: str | None = None,
    borough: str | None = None,
    audience: str | list[str] | None = None,
) -> Bearer:
    """Authorization header with a development token (for every service unless ``audience``)."""
    return Bearer(
        sub=sub, role=role, school=school, borough=borough, audience=audience or ALL_AUDIENCES
    )


def _admin_conn() -> psycopg.Connection[Any]:
    s = ServiceSettings.for_service("admin", db_name="postgres")
    return psycopg.connect(
        host=s.pg_host,
        port=s.pg_port,
        user=s.pg_user,
        password=s.pg_password,
        dbname="postgres",
        autocommit=True,
    )


def create_database(prefix: str) -> str:
    """A new empty database with a unique name."""
    name = f"t_{prefix}_{uuid.uuid4().hex[:10]}"
    with _admin_conn() as conn:
        conn.execute(create_database_sql(name))
    return name


def drop_database(name: str) -> None:
    """Drop a test database, disconnecting whoever still uses it."""
    with _admin_conn() as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


class ServiceProcess:
    """One service run as ``ssp serve`` in a child process, as in production."""

    def __init__(
        self, service: str, env: dict[str, str] | None = None, port: int | None = None
    ) -> None:
        self.service = service
        self.port = port or free_port()
        prefix = f"SSP_{service.upper()}_"
        self.env = {**os.environ, f"{prefix}PORT": str(self.port), **(env or {})}
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = state_dir() / "test-logs" / f"{service}-{self.port}.log"
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self, timeout: float = 60) -> "ServiceProcess":
        """Start the process and wait until /readyz answers 200."""
        return self.spawn().wait_ready(timeout)

    def spawn(self) -> "ServiceProcess":
        """Start the process without waiting for it."""
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        with open(self.log_path, "ab") as log:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "services.cli.main", "serve", self.service],
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        return self

    def wait_ready(self, timeout: float = 60) -> "ServiceProcess":
        """Wait until /readyz answers 200; fail if the process exits first."""
        assert self.proc is not None, "not spawned"
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"{self.service} exited; log: {self.log_path}\n{self.tail()}")
            try:
                if httpx.get(f"{self.url}/readyz", timeout=2).status_code == 200:
                    return self
            except httpx.HTTPError:
                pass
            time.sleep(0.3)
        raise RuntimeError(f"{self.service} not ready in {timeout}s; log: {self.log_path}")

    def tail(self, lines: int = 30) -> str:
        """The end of the process's log."""
        text = Path(self.log_path).read_text(errors="replace") if self.log_path.exists() else ""
        return "\n".join(text.splitlines()[-lines:])

    def kill(self, sig: int = signal.SIGKILL) -> None:
        """Send ``sig`` and wait for the process to end."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(sig)
            self.proc.wait(timeout=30)

    def stop(self) -> None:
        """Stop gracefully (SIGTERM), then hard if it hangs."""
        try:
            self.kill(signal.SIGTERM)
        except subprocess.TimeoutExpired:
            self.kill(signal.SIGKILL)


def wait_for(
    check: Callable[[], Any], timeout: float = 60, every: float = 0.3, what: str = "condition"
) -> Any:
    """Poll ``check`` until it returns something truthy; fail with ``what`` after timeout."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = check()
        if result:
            return result
        time.sleep(every)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}")


@contextmanager
def topic_reader(topic: str) -> Iterator[KafkaConsumer]:
    """A consumer assigned to every partition of the catalogue's ``topic``, from the beginning.

    The environment's topic prefix is applied here; records carry the broker's topic name.
    """
    topic = kafka_topic(topic)
    bootstrap = ServiceSettings.for_service("admin").kafka_bootstrap
    consumer = KafkaConsumer(
        enable_auto_commit=False,
        consumer_timeout_ms=1000,
        **kafka_client(AUDITOR, bootstrap).kafka_python(),
    )
    try:
        partitions = consumer.partitions_for_topic(topic) or set()
        tps = [TopicPartition(topic, p) for p in sorted(partitions)]
        consumer.assign(tps)
        consumer.seek_to_beginning(*tps)
        yield consumer
    finally:
        consumer.close()


def read_all(topic: str, start: dict[tuple[str, int], int] | None = None) -> list[Any]:
    """Every record on ``topic`` now (from ``start`` per partition), partition then offset order.

    ``start`` is keyed by the broker's topic name (``record.topic``).
    """
    with topic_reader(topic) as consumer:
        for tp in consumer.assignment():
            if start:
                consumer.seek(tp, start.get((tp.topic, tp.partition), 0))
        end = consumer.end_offsets(list(consumer.assignment()))
        records: list[Any] = []
        while any(consumer.position(tp) < end[tp] for tp in end):
            for batch in consumer.poll(timeout_ms=1000, max_records=5000).values():
                records.extend(batch)
        return sorted(records, key=lambda r: (r.partition, r.offset))


def api_routes(app: Any) -> list[Any]:
    """Every endpoint route of ``app``, those of its included routers too."""
    found, routes = [], list(app.routes)
    while routes:
        route = routes.pop(0)
        # FastAPI keeps included routers as branches; routers here carry full paths.
        if hasattr(route, "original_router"):
            routes.extend(route.original_router.routes)
        elif getattr(route, "dependant", None) is not None:
            found.append(route)
    return found


def dependencies(route: Any) -> list[Any]:
    """Every dependency of ``route``, those of its dependencies too (FastAPI ``Dependant``s)."""
    found, stack = [], list(route.dependant.dependencies)
    while stack:
        dep = stack.pop()
        found.append(dep)
        stack.extend(dep.dependencies)
    return found


def guarded_routes(app: Any) -> list[tuple[str, str, str]]:
    """(method, path, action) of every route that declares ``allow(action)``."""
    found = []
    for route in api_routes(app):
        for dep in dependencies(route):
            action = getattr(dep.call, "ssp_action", None)
            if action is not None:
                for method in sorted(route.methods - {"HEAD", "OPTIONS"}):
                    found.append((method, route.path, action))
    return found


def refusal_rule(response: httpx.Response | Any) -> str | None:
    """The rule id a 4xx answer names (``{"detail": {"rule": ...}}``), if it names one."""
    detail = response.json().get("detail") if response.status_code >= 400 else None
    return detail.get("rule") if isinstance(detail, dict) else None


def role_refused(response: httpx.Response | Any) -> bool:
    """Whether a response is the permission table's refusal (not a scope or input error)."""
    return response.status_code == 403 and refusal_rule(response) == "role-not-permitted"


def raw_bearer(claims: dict[str, Any], headers: dict[str, Any] | None = None) -> dict[str, str]:
    """Authorization header with a token of exactly ``claims`` (plus the registered ones).

    For tests of malformed or incomplete tokens, which ``issue_token`` will not make; a
    ``None`` in ``claims`` leaves that registered claim out.
    """
    now = int(time.time())
    registered = {
        "iss": shared("JWT_ISSUER", "ssp-dev"),
        "aud": ALL_AUDIENCES,
        "iat": now,
        "exp": now + 600,
        "jti": str(uuid.uuid4()),
    }
    merged = {k: v for k, v in {**registered, **claims}.items() if v is not None}
    key, kid = dev_signing_key()
    signed = jwt.encode(merged, key, algorithm=ALGORITHM, headers={"kid": kid, **(headers or {})})
    return {"Authorization": f"Bearer {signed}"}


class SeenEvents(Projection):
    """Records each (source, id) it is given: a consumer that must see every distinct event once."""

    name = "seen"
    topics = (STAFFING,)

    async def create_tables(self, conn: Connection) -> None:
        await conn.execute("CREATE TABLE IF NOT EXISTS seen (source text, event_id text)")

    async def apply(self, conn: Connection, events: Any) -> None:
        await conn.executemany(
            "INSERT INTO seen VALUES ($1, $2)", [(e.envelope.source, e.envelope.id) for e in events]
        )
