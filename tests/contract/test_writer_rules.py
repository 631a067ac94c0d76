"""Rules added inside v1 bind writers, while readers still accept the events recorded before."""

from collections.abc import Iterator
from datetime import UTC, time
from typing import Any

import pytest
from pydantic import ValidationError
from ssp_contracts.events.common import producing
from ssp_contracts.events.incidents import ProtocolHoursSet
from ssp_contracts.events.staffing import SchoolRegistered

from services.incidents.application import IncidentsApplication
from services.runtime.domain import Actor, RuleViolation

HOURS: dict[str, Any] = {
    "school_id": "school-1",
    "starts": "08:00:00Z",
    "ends": "16:00:00Z",
    "school_days": [1, 2, 3, 4, 5],
}
SCHOOL: dict[str, Any] = {
    "school_id": "school-1",
    "name": "St Line\nBreak",
    "borough": "hackney",
    "phase": "primary",
    "pupil_count": 300,
    "programme": "safer_schools_partnership",
}


@pytest.mark.parametrize(
    ("contract", "data"), [(ProtocolHoursSet, HOURS), (SchoolRegistered, SCHOOL)]
)
def test_a_reader_still_accepts_what_v1_writers_published(contract: Any, data: Any) -> None:
    assert contract.model_validate(data)


@pytest.mark.parametrize(
    ("contract", "data", "rule"),
    [
        (ProtocolHoursSet, HOURS, "offset-not-allowed"),
        (SchoolRegistered, SCHOOL, "control-character"),
    ],
)
def test_a_writer_keeps_the_rules_added_since(contract: Any, data: Any, rule: str) -> None:
    with producing(), pytest.raises(ValidationError) as refused:
        contract.model_validate(data)
    assert refused.value.errors()[0]["type"] == rule


def test_a_length_limit_binds_readers_and_writers_alike() -> None:
    with pytest.raises(ValidationError):
        ProtocolHoursSet.model_validate({**HOURS, "starts": "08:00", "school_days": [1] * 8})


@pytest.fixture
def incidents() -> Iterator[IncidentsApplication]:
    app = IncidentsApplication()
    yield app
    app.close()


def test_a_service_refuses_to_store_an_event_its_contract_refuses(
    incidents: IncidentsApplication,
) -> None:
    # The API refuses such hours already; the application's own check is the last door.
    with pytest.raises(RuleViolation) as refused:
        incidents.set_protocol_hours(
            school_id="school-1",
            starts=time(8, tzinfo=UTC),
            ends=time(16, tzinfo=UTC),
            school_days=[1, 2, 3, 4, 5],
            closed_dates=[],
            actor=Actor("head-1", "head_teacher", "corr-1", "school-1"),
        )
    assert (refused.value.rule, refused.value.field) == ("offset-not-allowed", "starts")
    assert not incidents.recorder.max_notification_id()
