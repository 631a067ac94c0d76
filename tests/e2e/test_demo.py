"""The main job end to end at a small scale: `ssp demo` on its own databases and ports."""

import json
import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from services.runtime.testing import free_port

pytestmark = pytest.mark.stack

SERVICES = ("incidents", "disclosure", "staffing", "reporting")
ARGS = ["--seed", "7", "--schools", "20", "--officers", "12", "--weeks", "2"]


@pytest.fixture
def given_isolated_platform(fresh_db: Any, tmp_path: Path) -> Iterator[dict[str, str]]:
    """Fresh databases, free ports, own state (keys, pid files) and reports directory."""
    env = {**os.environ, "SSP_STATE_DIR": str(tmp_path / "state")}
    env["SSP_REPORTS_DIR"] = str(tmp_path / "reports")
    suffix = f".test-{uuid.uuid4().hex[:8]}"
    for service in SERVICES:
        prefix = f"SSP_{service.upper()}_"
        env[f"{prefix}PORT"] = str(free_port())
        env[f"{prefix}DB_NAME"] = fresh_db(service)
        env[f"{prefix}CONSUMER_GROUP_SUFFIX"] = suffix
    yield env
    # Stop what the demo left running (it leaves the platform up for exploration).
    stop = f"from services.cli.launcher import stop\nfor s in {SERVICES!r}: stop(s)"
    subprocess.run([sys.executable, "-c", stop], env=env, check=True, timeout=60)


PROMETHEUS = f"http://127.0.0.1:{os.environ.get('SSP_PROM_PORT', '19090')}"


def test_a_small_term_runs_end_to_end(given_isolated_platform: dict[str, str]) -> None:
    env = given_isolated_platform

    # When the demo plays a small term through the services' APIs
    done = subprocess.run(
        [sys.executable, "-m", "services.cli.main", "demo", *ARGS],
        env=env, capture_output=True, text=True, timeout=240,
    )  # fmt: skip

    # Then it succeeds without a refusal it did not ask for
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-4000:]
    out = done.stdout
    assert "no unexpected refusals" in out
    assert out.count("protocol held (probe)") == 4
    # And it prints the report and where to look
    for line in ("Hours, abstraction, ring-fencing and incidents by borough",
                 "Searches by outcome", "Disclosures (routine)", "Value for money",
                 "chain intact", "/docs", "/metrics", f"Prometheus: {PROMETHEUS}",
                 "HTML report:", "Definition:"):  # fmt: skip
        assert line in out, line

    # And the HTML report exists with its charts, the figures beside it
    html = Path(env["SSP_REPORTS_DIR"]) / "demo-seed7-20s-12o-2w.html"
    page = html.read_text()
    assert page.count("<svg") == 8 and "Abstraction rate by borough" in page
    assert not any(tag in page for tag in ("<script", "<link", " src="))  # self-contained
    figures = json.loads(html.with_suffix(".json").read_text())

    # And reporting's figures agree with what the workload did
    london, expected = figures["london"], figures["expected"]
    assert (london["schools"], london["officers"]) == (20, 12)
    assert london["rostered_hours"] == expected["rostered_hours"]
    assert london["abstracted_hours"] == expected["abstracted_hours"]
    assert london["leave_hours"] == expected.get("leave_hours", 0)
    assert london["delivered_hours"] == (
        expected["rostered_hours"] - expected.get("leave_hours", 0) - expected["abstracted_hours"]
    )
    assert london["ring_fence_breaches"] == expected["breaches"]
    assert london["incidents"] == expected["incidents"]
    assert london["incidents_dealt_with"] == expected.get("dealt_with", 0)
    assert london["searches"] == expected.get("searches", 0)
    assert sum(b["schools"] for b in figures["boroughs"]) == 20
    requests = {u: d["requests"] for u, d in figures["disclosures"].items()}
    assert requests == {
        u: expected[f"disclosures:{u}"]
        for u in ("routine", "urgent")
        if expected.get(f"disclosures:{u}")
    }
    assert 0.03 < london["abstraction_rate"] < 0.2
    # Business times: a replayed term has real durations, and costs that are not nil
    assert all(d["median_hours_from_submission"] for d in figures["disclosures"].values())
    assert london["period_cost"] > 0 and london["cost_per_pupil"] > 0
    # Every school returns its indicators, the comparison group's (one a borough) too
    comparison = figures["comparison"]["comparison"]
    assert comparison["schools"] == len({b["borough"] for b in figures["boroughs"]})
    assert figures["audit"]["ok"] and figures["indicators"]["schools"] == 20 + comparison["schools"]
    assert {r["ethnic_group"] for r in figures["search_ethnicity"]} == {
        "White", "Black", "Asian", "Mixed", "Other"
    }  # fmt: skip
