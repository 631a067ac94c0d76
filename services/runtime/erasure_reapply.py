"""Erasures re-applied after a restore: keys that a backup brought back are destroyed again.

A restore to an instant before an erasure brings the subject's key row back, and with the store
as it was then, the erasure's own record is gone too. The erasure was published, though:
``<service>.subject_erased.v1`` on the service's topic, which Kafka keeps for ever and no
database restore rewinds. ``reapply_erasures`` reads those events and erases again every
pseudonym whose key is back, recording a new erasure under the original legal basis, so a
restored store forgets what it had already forgotten (``ssp erasure-reapply``).
"""

from dataclasses import dataclass
from datetime import datetime

from kafka import KafkaConsumer, TopicPartition
from ssp_contracts.events.erasure import (
    DisclosureSubjectErased,
    IncidentsSubjectErased,
    LegalBasis,
)
from ssp_contracts.topics import kafka_topic

from services.runtime.domain import Actor, ServiceApplication
from services.runtime.erasure import erase_subject
from services.runtime.kafka_security import AUDITOR, kafka_client
from services.runtime.topic_reading import records_to_end

CONTRACTS = {"incidents": IncidentsSubjectErased, "disclosure": DisclosureSubjectErased}
REAPPLY_ACTOR = Actor("erasure-reapply", "data_protection_officer", "erasure-reapply")


@dataclass(frozen=True)
class Published:
    """An erasure as the service published it: the pseudonym, why and when."""

    pseudonym: str
    legal_basis: LegalBasis
    erased_at: datetime


def published_erasures(service: str, bootstrap: str) -> list[Published]:
    """Every erasure the service's stores published, oldest first (read to the topic's end)."""
    contract = CONTRACTS[service]
    topic = kafka_topic(contract.topic)
    # Only the service's own stores speak for its erasures (ce_source /ssp/<service>/<store>).
    source = f"/ssp/{service}/".encode()
    kind = contract.event_type.encode()
    consumer = KafkaConsumer(
        enable_auto_commit=False, **kafka_client(AUDITOR, bootstrap).kafka_python()
    )
    found: list[Published] = []
    try:
        parts = [
            TopicPartition(topic, p) for p in sorted(consumer.partitions_for_topic(topic) or ())
        ]
        for r in records_to_end(consumer, parts):
            headers = dict(r.headers or ())
            if headers.get("ce_type") != kind:
                continue
            if not headers.get("ce_source", b"").startswith(source):
                continue
            e = contract.model_validate_json(r.value)
            found.append(Published(e.pseudonym, e.legal_basis, e.erased_at))
    finally:
        consumer.close()
    return sorted(found, key=lambda p: p.erased_at)


def reapply_erasures(
    app: ServiceApplication, published: list[Published], now: datetime, actor: Actor = REAPPLY_ACTOR
) -> list[str]:
    """Erase again each published pseudonym whose key is held; the pseudonyms erased."""
    done: list[str] = []
    for erasure in published:
        row = app.subjects.table.by_pseudonym(erasure.pseudonym)
        if row is None:  # still erased: the usual case
            continue
        erase_subject(
            app,
            row.subject_ref,
            legal_basis=erasure.legal_basis,
            reason=f"re-applied after a restore: erased at {erasure.erased_at.isoformat()}",
            now=now,
            actor=actor,
        )
        done.append(erasure.pseudonym)
    return done
