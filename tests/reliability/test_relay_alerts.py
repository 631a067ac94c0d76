"""The relay's alert rules: unit-tested with promtool, and once live: a stalled relay's alert
travels through the stack's real Prometheus and Alertmanager to a webhook receiver."""

import json
import shutil
import subprocess
import threading
import uuid
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx
import pytest

from services.runtime.eventstore import open_application
from services.runtime.selftest import SelfTestApplication
from services.runtime.settings import REPO_ROOT, ServiceSettings, shared
from services.runtime.testing import state_dir, wait_for
from tests.reliability.relay_helpers import RelayProcess

pytestmark = pytest.mark.stack
PROMETHEUS = f"http://127.0.0.1:{shared('PROM_PORT', '19090')}"
ALERTS = REPO_ROOT / "deploy/prometheus/alerts.yml"
UNIT_TESTS = REPO_ROOT / "deploy/prometheus/tests/relay_alerts_test.yml"


def test_promtool_unit_tests_of_the_alert_rules_pass(stack: None) -> None:
    promtool = shutil.which("promtool")
    assert promtool, "promtool comes with Debian's prometheus package (deploy/local/stack.sh)"
    result = subprocess.run(
        [promtool, "test", "rules", str(UNIT_TESTS)], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stdout + result.stderr


def fast_relay_rules(copy: str) -> str:
    """The ssp-relay group of alerts.yml with short windows, labelled ``copy``, for a live test.

    Alertmanager sends an alert set it already sent only after ``repeat_interval`` (1 h): a
    label new to every run keeps a second ``make test`` within the hour from waiting in vain.
    """
    text = ALERTS.read_text()
    group = text[text.index("  - name: ssp-relay\n") :]
    group = group.replace("name: ssp-relay", "name: ssp-relay-fast-test", 1)
    group = group.replace("for: 5m", "for: 5s").replace("[5m]", "[20s]")
    group = group.replace("        labels:\n", f"        labels:\n          copy: {copy}\n")
    return "groups:\n" + group


class Webhook(BaseHTTPRequestHandler):
    """Alertmanager's webhook receiver: keeps every alert it is sent."""

    received: list[dict[str, Any]] = []

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        Webhook.received.extend(body.get("alerts", []))
        self.send_response(200)
        self.end_headers()

    def log_message(self, *_: Any) -> None:
        return None


@pytest.fixture
def webhook(stack: None) -> Iterator[list[dict[str, Any]]]:
    """A webhook receiver on SSP_ALERT_WEBHOOK_PORT, where the stack's Alertmanager sends."""
    server = ThreadingHTTPServer(("127.0.0.1", int(shared("ALERT_WEBHOOK_PORT", "19096"))), Webhook)
    Webhook.received = []
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield Webhook.received
    finally:
        server.shutdown()
        server.server_close()


def test_a_stalled_relay_alert_reaches_the_webhook(fresh_db: Any, webhook: list[Any]) -> None:
    # Given a relay stopped at a poison event, scraped by the stack's Prometheus
    db = fresh_db("relayalert")
    app = open_application(SelfTestApplication, ServiceSettings.for_service("selftest", db_name=db))
    app.write(uuid.uuid4().hex, 1, 1, note="x" * 2001)
    app.write(uuid.uuid4().hex, 5, 2)
    app.close()
    relay = RelayProcess("selftest", db).start()
    copy = f"fast-test-{uuid.uuid4().hex[:8]}"
    prometheus = state_dir() / "prometheus"
    target = prometheus / "targets" / f"test-relay-{relay.port}.json"
    rules = prometheus / "rules" / f"test-relay-{relay.port}.yml"
    try:
        target.write_text(json.dumps([{"targets": [f"127.0.0.1:{relay.port}"]}]))
        rules.write_text(fast_relay_rules(copy))
        httpx.post(f"{PROMETHEUS}/-/reload", timeout=30).raise_for_status()

        # Then the stalled alert fires and Alertmanager delivers it to the receiver
        def delivered(name: str) -> bool:
            return any(
                a["labels"].get("alertname") == name
                and a["labels"].get("copy") == copy
                and a["labels"].get("relay") == "selftest-outbox"
                and a["status"] == "firing"
                for a in webhook
            )

        wait_for(lambda: delivered("SSPRelayRefusedEvent"), timeout=120, what="refused alert")
        wait_for(lambda: delivered("SSPRelayStalled"), timeout=120, what="stalled alert")
    finally:
        relay.signal()
        target.unlink(missing_ok=True)
        rules.unlink(missing_ok=True)
        httpx.post(f"{PROMETHEUS}/-/reload", timeout=30)
