"""The audit alerts fire when the trail stops verifying or checkpoints stop (promtool)."""

import shutil
import subprocess

import pytest

from services.runtime.settings import REPO_ROOT

pytestmark = pytest.mark.stack
UNIT_TESTS = REPO_ROOT / "deploy/prometheus/tests/audit_alerts_test.yml"


def test_promtool_unit_tests_of_the_audit_alerts_pass(stack: None) -> None:
    promtool = shutil.which("promtool")
    assert promtool, "promtool comes with Debian's prometheus package (deploy/local/stack.sh)"
    result = subprocess.run(
        [promtool, "test", "rules", str(UNIT_TESTS)], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stdout + result.stderr
