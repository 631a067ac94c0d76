"""Starts services as background processes for the demo; `make down` stops them.

Each service started here has ``<state>/services/<service>.pid`` and ``.log``;
``deploy/local/stack.sh down`` stops whatever those pid files name (SIGTERM, then wait).
"""

import logging
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

from services.runtime.settings import DEFAULT_PORTS, ServiceSettings, state_dir

log = logging.getLogger(__name__)

# Processes started beside a service: reporting's audit trail (its runner and checkpointer) runs
# in a process of its own, so the read models' runner has an event loop to itself
# (``ReportingSettings.role``; bench/README.md, "End to end").
COMPANIONS = {"reporting": "reporting-audit"}
ROLES = {"reporting": "views", "reporting-audit": "audit"}


def service_of(name: str) -> str:
    """The service a launched process runs (``reporting-audit`` runs ``reporting``)."""
    return name.removesuffix("-audit")


def audit_port() -> int:
    """The port of reporting's audit process: ``SSP_REPORTING_AUDIT_PORT``, else API + 1."""
    explicit = os.environ.get("SSP_REPORTING_AUDIT_PORT")
    return int(explicit) if explicit else _port("reporting") + 1


def _port(service: str) -> int:
    return ServiceSettings.for_service(service).port or DEFAULT_PORTS[service]


def paths(service: str) -> tuple[Path, Path]:
    """The pid file and log file of a service started by the demo."""
    base = state_dir() / "services"
    base.mkdir(parents=True, exist_ok=True)
    return base / f"{service}.pid", base / f"{service}.log"


def base_url(service: str) -> str:
    """Where ``service`` answers on this machine."""
    settings = ServiceSettings.for_service(service_of(service))
    port = audit_port() if service == "reporting-audit" else _port(service)
    return f"http://{settings.host}:{port}"


def _answers(url: str) -> bool:
    try:
        return httpx.get(f"{url}/readyz", timeout=2).status_code == 200
    except httpx.HTTPError:
        return False


def _ours(pid: int, service: str) -> bool:
    """Whether ``pid`` is alive and is ``ssp serve <service>`` (pids get reused)."""
    try:
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z" and f"services.cli.main serve {service_of(service)}" in cmdline


def started_pid(service: str) -> int | None:
    """The pid of the running ``service`` this launcher started, if any."""
    pid_file, _ = paths(service)
    try:
        pid = int(pid_file.read_text().strip())
    except (OSError, ValueError):
        return None
    return pid if _ours(pid, service) else None


def stop(service: str, timeout: float = 30) -> bool:
    """Stop the ``service`` this launcher started (SIGTERM, then SIGKILL); whether one ran."""
    if service in COMPANIONS:
        stop(COMPANIONS[service], timeout)
    pid = started_pid(service)
    pid_file, _ = paths(service)
    if pid is None:
        pid_file.unlink(missing_ok=True)
        return False
    os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + timeout
    while _ours(pid, service) and time.monotonic() < deadline:
        time.sleep(0.2)
    if _ours(pid, service):
        log.warning("%s did not stop within %.0f s of SIGTERM; killing it", service, timeout)
        os.kill(pid, signal.SIGKILL)
        # Until it has gone: its port is free only then (a restart checks it next).
        deadline = time.monotonic() + 10
        while _ours(pid, service) and time.monotonic() < deadline:
            time.sleep(0.1)
    pid_file.unlink(missing_ok=True)
    return True


def _port_free(url: str) -> bool:
    host, port = url.removeprefix("http://").rsplit(":", 1)
    with socket.socket() as s:
        return s.connect_ex((host, int(port))) != 0


def restart(services: list[str], env: dict[str, str], timeout: float = 90) -> dict[str, str]:
    """Start each service afresh with ``env`` added; wait until all answer /readyz."""
    services = [n for s in services for n in (s, COMPANIONS.get(s)) if n is not None]
    urls = {s: base_url(s) for s in services}
    procs: dict[str, subprocess.Popen[bytes]] = {}
    for service, url in urls.items():
        stop(service)
        if not _port_free(url):
            raise RuntimeError(
                f"{url} is in use by a process the demo did not start; stop it or set"
                f" SSP_{service.upper()}_PORT to a free port"
            )
        pid_file, log_file = paths(service)
        with open(log_file, "ab") as log:
            procs[service] = subprocess.Popen(
                [sys.executable, "-m", "services.cli.main", "serve", service_of(service)],
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
                env={**os.environ, **env, **_role_env(service)},
            )
        pid_file.write_text(str(procs[service].pid))
    deadline = time.monotonic() + timeout
    for service, url in urls.items():
        while not _answers(url):
            _, log_file = paths(service)
            if procs[service].poll() is not None:
                raise RuntimeError(f"{service} exited during start-up; log: {log_file}")
            if time.monotonic() > deadline:
                raise RuntimeError(f"{service} did not become ready at {url}; log: {log_file}")
            time.sleep(0.3)
    return urls


def _role_env(name: str) -> dict[str, str]:
    if name not in ROLES:
        return {}
    role = {"SSP_REPORTING_ROLE": ROLES[name]}
    return role | ({"SSP_REPORTING_PORT": str(audit_port())} if name in COMPANIONS.values() else {})


def ensure_running(services: list[str], timeout: float = 90) -> dict[str, str]:
    """Start each service not already answering; wait until all are ready."""
    urls = {s: base_url(s) for s in services}
    missing = [s for s, url in urls.items() if not _answers(url)]
    if missing:
        urls |= restart(missing, {}, timeout)
    return urls
