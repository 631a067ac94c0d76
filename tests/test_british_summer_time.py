"""The fast suite passes with the clock on British Summer Time dates, not only in winter.

Protocol hours, deadlines and terms are London wall-clock rules; a test that builds its
times in UTC passes from October to March and fails from April, which is how the
07:59 and 16:30 protocol-hours cases once broke. libfaketime moves the whole process's clock.
"""

import os
import shutil
import subprocess
import sys

import pytest

from services.runtime.settings import REPO_ROOT

# Stack-free and long: `make test` runs it in the second session, beside the stack tests.
pytestmark = [pytest.mark.tools, pytest.mark.own_stack]


@pytest.mark.parametrize(
    "moment",
    [
        "2027-07-01 12:00:00",  # midsummer, BST (UTC+1)
        "2027-03-29 07:30:00",  # the Monday after the clocks went forward, before school
    ],
)
def test_fast_suite_passes_on_a_summer_date(moment: str) -> None:
    faketime = shutil.which("faketime")
    assert faketime, "faketime is installed by deploy/local/stack.sh (Debian package faketime)"
    fast = ["-m", "not stack and not tools", "contracts", "services"]
    done = subprocess.run(
        [faketime, moment, sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *fast],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, "TZ": "UTC"},
        check=False,
        timeout=600,
    )
    assert done.returncode == 0, done.stdout[-4000:]
