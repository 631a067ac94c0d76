"""Event contracts of the Safer Schools Partnership platform (pydantic only)."""

from ssp_contracts.envelope import CloudEvent, EnvelopeError

# Importing the event modules registers their payload classes.
from ssp_contracts.events import (  # noqa: F401
    actors,
    audit,
    consultations,
    disclosure,
    erasure,
    incidents,
    platform,
    staffing,
)
from ssp_contracts.registry import (
    EventPayload,
    UnknownEventType,
    all_event_types,
    parse_payload,
    payload_class,
    register,
)
from ssp_contracts.topics import TOPICS, TopicSpec, dead_letter_topic

__all__ = [
    "TOPICS",
    "CloudEvent",
    "EnvelopeError",
    "EventPayload",
    "TopicSpec",
    "UnknownEventType",
    "all_event_types",
    "dead_letter_topic",
    "parse_payload",
    "payload_class",
    "register",
]
