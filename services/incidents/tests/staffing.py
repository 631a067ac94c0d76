"""Publishes staffing events for stories on the real stack (until staffing publishes its own)."""

import uuid
from datetime import timedelta

from kafka import KafkaProducer
from ssp_contracts import CloudEvent, EventPayload
from ssp_contracts.events.staffing import OfficerDeployed, Rank
from ssp_contracts.topics import kafka_topic

from services.incidents.tests.conftest import now
from services.runtime.clock import london_day
from services.runtime.kafka_security import kafka_client
from services.runtime.testing import cloud_event


def publish(
    payload: EventPayload, subject: str, source: str = "/ssp/staffing", topic: str | None = None
) -> CloudEvent:
    """Put ``payload`` on its topic (or ``topic``) as a CloudEvent from ``source``."""
    event = cloud_event(
        payload, subject, source=source, actor=("supervisor-test", "borough_supervisor")
    )
    # As the staffing principal: only it may write staffing's topics.
    producer = KafkaProducer(acks="all", **kafka_client("staffing").kafka_python())
    try:
        producer.send(
            kafka_topic(topic or payload.topic),
            value=event.kafka_value(),
            key=event.kafka_key(),
            headers=event.kafka_headers(),
        ).get(timeout=30)
    finally:
        producer.close()
    return event


def publish_deployment(
    officer_id: str,
    school_ids: list[str],
    borough: str = "Waltham Forest",
    rank: Rank = "constable",
) -> OfficerDeployed:
    """Deploy ``officer_id`` to ``school_ids`` from last year for three years."""
    today = london_day(now())
    payload = OfficerDeployed(
        deployment_id=str(uuid.uuid4()),
        officer_id=officer_id,
        borough=borough,
        school_ids=school_ids,
        share_percent=100,
        start_date=today - timedelta(days=365),
        tenure_end=today + timedelta(days=2 * 365),
        rank=rank,
    )
    publish(payload, payload.deployment_id)
    return payload


def deployed_at(incidents_url: str, officer_id: str, school_ids: list[str]) -> dict[str, str]:
    """Publish the officer's deployment and wait until the incidents service at
    ``incidents_url`` knows it; the officer's bearer headers."""
    import httpx

    from services.runtime.testing import bearer, wait_for

    officer = bearer("school_officer", officer_id, school=school_ids[0])
    publish_deployment(officer_id, school_ids)
    wait_for(
        lambda: httpx.get(f"{incidents_url}/deployments", headers=officer).json(),
        timeout=30,
        what="the officer's deployment",
    )
    return dict(officer)
