"""The platform's processes for a fault run: services, relays on their own, the canary runner."""

import signal
import subprocess
import sys
from dataclasses import dataclass, field

from services.runtime.testing import ServiceProcess, state_dir

WRITERS = ("incidents", "disclosure", "staffing")
SERVICES = (*WRITERS, "reporting", "selftest")
RELAYS = (*WRITERS, "selftest")


@dataclass
class Relay:
    """``ssp relay run <service> --db <db>``: the outbox relay as its own process."""

    service: str
    db: str
    proc: subprocess.Popen[bytes] | None = None

    def start(self) -> "Relay":
        """Spawn the relay; it resumes from the position stored in its database."""
        log_path = state_dir() / "faults" / f"relay-{self.service}-{self.db}.log"
        log_path.parent.mkdir(parents=True, exist_ok=True)
        args = ["-m", "services.cli.main", "relay", "run", self.service, "--db", self.db]
        with open(log_path, "ab") as log:
            self.proc = subprocess.Popen(
                [sys.executable, *args],
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        return self

    def alive(self) -> bool:
        """Whether the process still runs."""
        return self.proc is not None and self.proc.poll() is None

    def kill(self, sig: int = signal.SIGKILL) -> None:
        """Send ``sig`` and reap the process."""
        if self.alive():
            assert self.proc is not None
            self.proc.send_signal(sig)
            self.proc.wait(timeout=30)


@dataclass
class Fleet:
    """Every process of the run, each restartable on its own port and database."""

    databases: dict[str, str]
    group_suffix: str
    services: dict[str, ServiceProcess] = field(default_factory=dict)
    relays: dict[str, Relay] = field(default_factory=dict)

    def env(self, service: str) -> dict[str, str]:
        """The environment of ``service``: its database, no in-process relay, its own group."""
        prefix = f"SSP_{service.upper()}_"
        env = {
            f"{prefix}DB_NAME": self.databases[service],
            f"{prefix}RELAY_ENABLED": "false",
            f"{prefix}CONSUMER_GROUP_SUFFIX": self.group_suffix,
        }
        if "subjects" in self.databases:  # a subject registry of the run's own
            env["SSP_SUBJECT_REGISTRY_DB"] = self.databases["subjects"]
        return env

    def start(self) -> None:
        """Start every service (concurrently) and every relay."""
        for service in SERVICES:
            self.services[service] = self._spawn(service, None)
        for service in SERVICES:
            self._ready(self.services[service])
        for service in RELAYS:
            self.relays[service] = Relay(service, self.databases[service]).start()

    def _spawn(self, service: str, port: int | None) -> ServiceProcess:
        process = ServiceProcess(service, self.env(service), port=port)
        process.log_path = state_dir() / "faults" / f"{service}-{process.port}.log"
        return process.spawn()

    def _ready(self, process: ServiceProcess, timeout: float = 180) -> None:
        process.wait_ready(timeout)

    def urls(self) -> dict[str, str]:
        """Base URL of each service."""
        return {s: p.url for s, p in self.services.items()}

    def restart_service(self, service: str) -> None:
        """Start ``service`` again on the same port; returns once it answers /readyz."""
        old = self.services[service]
        old.kill(signal.SIGKILL)
        self.services[service] = self._spawn(service, old.port)
        self._ready(self.services[service])

    def restart_relay(self, service: str) -> None:
        """Start the relay of ``service`` again."""
        self.relays[service].kill()
        self.relays[service] = Relay(service, self.databases[service]).start()

    def dead(self) -> list[str]:
        """Processes that have exited although nobody stopped them."""
        gone = [f"{s} service" for s, p in self.services.items() if not _alive(p)]
        return gone + [f"{s} relay" for s, r in self.relays.items() if not r.alive()]

    def heal(self) -> list[str]:
        """Restart whatever has died; return what was restarted."""
        dead = self.dead()
        for name in dead:
            service, kind = name.split()
            if kind == "relay":
                self.restart_relay(service)
            else:
                self.restart_service(service)
        return dead

    def stop(self) -> None:
        """Stop relays first (SIGTERM), then the services."""
        for relay in self.relays.values():
            relay.kill(signal.SIGTERM)
        for process in self.services.values():
            process.stop()


def _alive(process: ServiceProcess) -> bool:
    return process.proc is not None and process.proc.poll() is None
