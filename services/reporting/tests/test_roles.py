"""Reporting's process roles: which runners and tasks a process runs (ReportingSettings.role)."""

import pytest

from services.reporting.settings import ReportingSettings
from services.reporting.views import AUDIT_RUNNER, VIEWS_RUNNER, runner_specs


@pytest.mark.parametrize(
    ("role", "runners"),
    [
        ("all", [AUDIT_RUNNER, VIEWS_RUNNER]),
        ("views", [VIEWS_RUNNER]),
        ("audit", [AUDIT_RUNNER]),
    ],
)
def test_each_role_runs_its_own_runners(role: str, runners: list[str]) -> None:
    assert [name for name, _ in runner_specs(role)] == runners


def test_one_process_runs_everything_unless_told(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SSP_REPORTING_ROLE", raising=False)
    assert ReportingSettings().role == "all"
    monkeypatch.setenv("SSP_REPORTING_ROLE", "audit")
    assert ReportingSettings().role == "audit"
    monkeypatch.setenv("SSP_REPORTING_ROLE", "both")
    with pytest.raises(ValueError, match="role"):
        ReportingSettings()
