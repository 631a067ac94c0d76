"""The urgent path's windows and the retention period come from configuration."""

from datetime import date, datetime

import pytest
from fastapi.testclient import TestClient

from services.disclosure.main import create_app
from services.disclosure.settings import DisclosurePolicy
from services.disclosure.tests.api_helpers import DO, OFFICER
from services.runtime.settings import ServiceSettings

URGENT = {
    "requesting_body": "police",
    "subject_ref": "pupil-00000000000000aa",
    "school_id": "school-1",
    "borough": "waltham-forest",
    "urgency": "urgent",
    "urgent_reason": "pupil_at_risk",
}


def test_the_defaults_are_four_and_twenty_four_hours_and_six_years() -> None:
    policy = DisclosurePolicy()
    assert (policy.urgent_decision_hours, policy.confirmation_hours) == (4, 24)
    assert policy.retention_review_from(date(2026, 11, 23)) == date(2032, 11, 23)
    assert policy.retention_review_from(date(2028, 2, 29)) == date(2034, 2, 28)


def test_the_environment_sets_the_windows(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SSP_DISCLOSURE_CONFIRMATION_HOURS", "12")
    assert DisclosurePolicy().confirmation_hours == 12


def test_a_configured_decision_window_sets_the_deadline_of_new_requests(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Given a service configured with a two-hour decision window for urgent requests
    monkeypatch.setenv("SSP_DISCLOSURE_URGENT_DECISION_HOURS", "2")
    settings = ServiceSettings.for_service("disclosure", in_memory=True)
    with TestClient(create_app(settings)) as client:
        # When an urgent request is submitted
        response = client.post("/requests", json=URGENT, headers=OFFICER)
        assert response.status_code == 201, response.text

        # Then its deadline is two hours after submission
        [item] = client.get("/queue", params={"borough": "waltham-forest"}, headers=DO).json()
        due = datetime.fromisoformat(item["decision_due"])
        submitted = datetime.fromisoformat(item["submitted_at"])
        assert (due - submitted).total_seconds() == 2 * 3600
