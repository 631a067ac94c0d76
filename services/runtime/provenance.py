"""Provenance on consume: an event counts only if its source and type belong to its topic."""

from ssp_contracts import CloudEvent, EnvelopeError
from ssp_contracts.events.platform import RelayEventSkipped
from ssp_contracts.registry import payload_class
from ssp_contracts.topics import TOPICS

from services.runtime.identity import source_service

# The relay's skip notice goes on the topic of the event it explains, whichever that is.
ON_EVERY_TOPIC = frozenset({RelayEventSkipped.event_type})


class ProvenanceError(EnvelopeError):
    """An event on a topic its source's service does not own, or of a type foreign to it.

    ``kind`` is all a dead letter says about it: nothing the message itself carries.
    """

    def __init__(self, kind: str) -> None:
        super().__init__(kind)
        self.kind = kind


def check_provenance(event: CloudEvent, topic: str) -> None:
    """Raise ProvenanceError unless ``topic``'s owner sent ``event`` and its type is of it."""
    spec = TOPICS.get(topic)
    if spec is None or not spec.owner:
        raise ProvenanceError("topic-not-in-catalogue")
    service = source_service(event.source)
    if service is None:
        raise ProvenanceError("source-not-a-platform-service")
    if service != spec.owner:
        raise ProvenanceError("source-not-topic-owner")
    if event.type not in ON_EVERY_TOPIC and payload_class(event.type).topic != topic:
        raise ProvenanceError("type-not-of-topic")
