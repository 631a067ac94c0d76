"""Reporting's knobs come from its own SSP_REPORTING_* variables, typed and checked."""

import pytest
from pydantic import ValidationError

from services.reporting.queries.value import rates_from
from services.reporting.settings import ReportingSettings


def test_a_pcso_rate_configured_in_the_environment_joins_the_sourced_defaults(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("SSP_REPORTING_OFFICER_RATES", '{"pcso": 30000}')
    rates = rates_from(ReportingSettings().officer_rates)
    # "£44,202" per police officer is the report's; the PCSO rate is the force's to give.
    assert (rates["constable"], rates["sergeant"], rates["pcso"]) == (44_202, 44_202, 30_000)


def test_without_configuration_no_pcso_rate_is_invented() -> None:
    assert rates_from(ReportingSettings().officer_rates)["pcso"] is None


def test_a_term_the_gauges_cannot_show_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SSP_REPORTING_METRICS_TERM", "autumn")
    with pytest.raises(ValidationError, match="metrics_term"):
        ReportingSettings()
