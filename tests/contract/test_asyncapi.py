"""The committed AsyncAPI documents are current and valid by the AsyncAPI project's own CLI."""

import os
import subprocess

import pytest

from services.cli.asyncapi_docs import DOCUMENTED, path_of, stale_documents
from services.runtime.settings import REPO_ROOT

CLI = REPO_ROOT / "tools/asyncapi/node_modules/.bin/asyncapi"


def test_committed_documents_are_current() -> None:
    # A change to a contract, topic or subscriber must come with `ssp asyncapi write`
    assert stale_documents() == []


def test_documents_name_no_environment() -> None:
    for service in DOCUMENTED:
        text = path_of(service).read_text()
        assert "127.0.0.1" not in text and "kafka:9092" in text, service


@pytest.mark.tools
@pytest.mark.parametrize("service", DOCUMENTED)
def test_documents_are_valid_asyncapi(service: str, tmp_path: object) -> None:
    assert CLI.exists(), "the AsyncAPI CLI is installed by `make tools` (part of `make test`)"
    # The CLI reports usage to its authors unless told not to; nothing leaves this machine.
    analytics = REPO_ROOT / "tools/asyncapi/analytics-off.json"
    env = {**os.environ, "ASYNCAPI_METRICS_CONFIG_PATH": str(analytics), "CI": "true"}
    done = subprocess.run(
        [str(CLI), "validate", str(path_of(service)), "--fail-severity", "warn"],
        capture_output=True,
        text=True,
        env=env,
        check=False,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "is valid" in done.stdout + done.stderr
