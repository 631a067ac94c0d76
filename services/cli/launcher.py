"""Starts services as background processes for the demo; `make down` stops them."""

import os
import subprocess
import sys
import time
from pathlib import Path

import httpx

from services.runtime.settings import DEFAULT_PORTS, ServiceSettings, state_dir


def _paths(service: str) -> tuple[Path, Path]:
    base = state_dir() / "services"
    base.mkdir(parents=True, exist_ok=True)
    return base / f"{service}.pid", base / f"{service}.log"


def base_url(service: str) -> str:
    """Where ``service`` answers on this machine."""
    settings = ServiceSettings.for_service(service)
    return f"http://{settings.host}:{settings.port or DEFAULT_PORTS[service]}"


def _answers(url: str) -> bool:
    try:
        return httpx.get(f"{url}/readyz", timeout=2).status_code == 200
    except httpx.HTTPError:
        return False


def ensure_running(services: list[str], timeout: float = 90) -> dict[str, str]:
    """Start each service not already answering; wait until all are ready."""
    urls = {s: base_url(s) for s in services}
    for service, url in urls.items():
        if _answers(url):
            continue
        pid_file, log_file = _paths(service)
        with open(log_file, "ab") as log:
            proc = subprocess.Popen(
                [sys.executable, "-m", "services.cli.main", "serve", service],
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
                env=os.environ.copy(),
            )
        pid_file.write_text(str(proc.pid))
    deadline = time.monotonic() + timeout
    for service, url in urls.items():
        while not _answers(url):
            if time.monotonic() > deadline:
                _, log_file = _paths(service)
                raise RuntimeError(f"{service} did not become ready at {url}; log: {log_file}")
            time.sleep(0.5)
    return urls
