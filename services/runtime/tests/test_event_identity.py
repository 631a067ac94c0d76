"""Store sources, dedup keys, topic prefixes and provenance, without the stack."""

import uuid
from datetime import UTC, datetime

import pytest
from ssp_contracts import CloudEvent
from ssp_contracts.events.platform import RelayEventSkipped
from ssp_contracts.topics import catalogue_topic, kafka_topic, topic_prefix

from services.runtime.identity import dedup_source, event_source, source_service
from services.runtime.provenance import ProvenanceError, check_provenance

STORE = uuid.uuid4()


def event(source: str, type_: str = "uk.police.ssp.staffing.officer_deployed.v1") -> CloudEvent:
    """An envelope with ``source`` and ``type_`` (the payload is not looked at here)."""
    return CloudEvent(
        id="agg/1", source=source, type=type_, time=datetime.now(UTC), subject="agg",
        actorid="a", actorrole="r", correlationid="c", sequence=1, dataschema="x", data={},
    )  # fmt: skip


def test_a_source_names_its_service_and_store() -> None:
    source = event_source("staffing", STORE)
    assert source == f"/ssp/staffing/{STORE}"
    assert source_service(source) == "staffing"
    assert source_service("/ssp/staffing") == "staffing"  # published before store ids
    assert source_service("https://elsewhere/ssp/staffing") is None
    # Events from before store ids keep the key they were tracked under: the id alone
    assert dedup_source(source) == source
    assert dedup_source("/ssp/staffing") == ""


def test_the_prefix_is_applied_at_the_broker_and_taken_off_on_reading(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("SSP_TOPIC_PREFIX", "demo.")
    assert kafka_topic("ssp.staffing.events") == "demo.ssp.staffing.events"
    assert catalogue_topic("demo.ssp.staffing.events") == "ssp.staffing.events"
    monkeypatch.setenv("SSP_TOPIC_PREFIX", "")
    assert kafka_topic("ssp.staffing.events") == "ssp.staffing.events"
    monkeypatch.setenv("SSP_TOPIC_PREFIX", "bad prefix/")
    with pytest.raises(ValueError, match="SSP_TOPIC_PREFIX"):
        topic_prefix()


@pytest.mark.parametrize(
    ("source", "type_", "kind"),
    [
        (f"/ssp/incidents/{STORE}", None, "source-not-topic-owner"),
        ("/ssp/anyone", None, "source-not-topic-owner"),
        ("urn:forged", None, "source-not-a-platform-service"),
        (
            f"/ssp/staffing/{STORE}",
            "uk.police.ssp.incidents.incident_head_teacher_notified.v1",
            "type-not-of-topic",
        ),
        # the owner's own type, of its other topic
        (
            f"/ssp/staffing/{STORE}",
            "uk.police.ssp.staffing.officer_abstracted.v1",
            "type-not-of-topic",
        ),
    ],
)
def test_provenance_is_checked_against_the_catalogue(
    source: str, type_: str | None, kind: str
) -> None:
    e = event(source, type_ or "uk.police.ssp.staffing.officer_deployed.v1")
    with pytest.raises(ProvenanceError) as refused:
        check_provenance(e, "ssp.staffing.events")
    assert refused.value.kind == kind


def test_the_owner_s_own_events_and_its_skip_notices_are_accepted() -> None:
    check_provenance(event(f"/ssp/staffing/{STORE}"), "ssp.staffing.events")
    check_provenance(event("/ssp/staffing"), "ssp.staffing.events")
    skip = event(f"/ssp/staffing/{STORE}", RelayEventSkipped.event_type)
    check_provenance(skip, "ssp.staffing.abstractions")
    with pytest.raises(ProvenanceError):
        check_provenance(event(f"/ssp/staffing/{STORE}"), "not.in.catalogue")
