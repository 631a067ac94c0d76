"""A new contract version is read through its upcaster: readers see only the latest version.

Source, Appendix 2, The SSPO: "... unless it is of a serious nature where positive action is
required regardless of the schools wishes" - arson, inside criminal-damage-arson in version 1,
is told apart in incident_reported.v2.
"""

from datetime import UTC, datetime
from typing import Any

import pytest
from pydantic import ValidationError
from ssp_contracts import CloudEvent, parse_payload
from ssp_contracts.events.incidents import IncidentReported, IncidentReportedV2
from ssp_contracts.registry import upcast
from ssp_contracts.vocab import POLICE_CATEGORY_OF

AT = datetime(2026, 11, 23, 10, tzinfo=UTC)
FACTS: dict[str, Any] = {
    "incident_id": "0b9f5a52-3c1e-4a4e-9a47-3b8f0e0c2a11",
    "school_id": "school-001",
    "occurred_at": datetime(2026, 11, 23, 10, tzinfo=UTC),
    "location_kind": "premises",
    "came_to_notice": "officer_patrol",
    "serious": False,
    "outside_protocol_hours": False,
}


def envelope(payload: IncidentReported) -> CloudEvent:
    return CloudEvent(
        id="e-1",
        source="/ssp/incidents",
        type=payload.event_type,
        time=AT,
        subject="0b9f5a52-3c1e-4a4e-9a47-3b8f0e0c2a11",
        actorid="officer-1",
        actorrole="school_officer",
        correlationid="c-1",
        sequence=1,
        dataschema=payload.dataschema(),
        data=payload.to_data(),
    )


def test_a_version_1_event_is_read_as_version_2() -> None:
    old = IncidentReported.model_validate({**FACTS, "category": "criminal-damage-arson"})
    read = parse_payload(envelope(old))
    assert type(read) is IncidentReportedV2
    assert read.model_dump() == old.model_dump()
    assert upcast(read) is read


def test_only_version_2_carries_arson_published_under_its_police_category() -> None:
    arson = IncidentReportedV2.model_validate({**FACTS, "category": "arson"})
    read = parse_payload(envelope(arson))
    assert isinstance(read, IncidentReportedV2) and read.category == "arson"
    with pytest.raises(ValidationError):
        IncidentReported.model_validate({**FACTS, "category": "arson"})
    assert POLICE_CATEGORY_OF["arson"] == "criminal-damage-arson"
