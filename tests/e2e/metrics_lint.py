"""Prometheus' own linter over a service's /metrics, as Prometheus' tooling sees it."""

import shutil
import subprocess

import httpx


def promtool_findings(url: str) -> list[str]:
    """What ``promtool check metrics`` says of the exposition at ``url`` (empty when clean)."""
    promtool = shutil.which("promtool")
    assert promtool, "promtool comes with Debian's prometheus package, installed by stack.sh"
    text = httpx.get(f"{url}/metrics", timeout=10).text
    done = subprocess.run(
        [promtool, "check", "metrics"], input=text, capture_output=True, text=True, check=False
    )
    return [line for line in (done.stdout + done.stderr).splitlines() if line.strip()]
