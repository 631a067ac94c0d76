"""Provenance on consume: an event counts only if its topic's owner sent it, with its own type.

Issue 11: anyone who can publish on ``ssp.staffing.events`` could deploy an officer in the
incidents service's view. A consumer now checks ``ce_source`` and ``ce_type`` against the topic
catalogue's owner and dead-letters the rest with the reason's kind alone.
"""

import uuid
from datetime import UTC, date, datetime, timedelta
from typing import Any

import httpx
import pytest
from ssp_contracts import dead_letter_topic
from ssp_contracts.events.incidents import IncidentHeadTeacherNotified
from ssp_contracts.events.staffing import STAFFING, OfficerDeployed
from ssp_contracts.topics import PREFIX_VARIABLE, topic_prefix

from services.incidents.tests.staffing import publish
from services.runtime.dlq import dead_letter, origin_of
from services.runtime.kafka_acls import apply_security
from services.runtime.settings import ServiceSettings
from services.runtime.testing import bearer, read_all, wait_for
from services.runtime.topics_admin import create_topics, delete_topics

pytestmark = pytest.mark.stack


def deployed(officer: str, school: str) -> OfficerDeployed:
    """An OfficerDeployed of ``officer`` at ``school``, running today."""
    return OfficerDeployed(
        deployment_id=str(uuid.uuid4()),
        officer_id=officer,
        borough="Waltham Forest",
        school_ids=[school],
        share_percent=100,
        start_date=date.today() - timedelta(days=30),
        tenure_end=date.today() + timedelta(days=700),
    )


def test_forged_events_on_the_staffing_topic_are_dead_lettered(
    services: Any, fresh_db: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Topics of this test's own: the run's replay tests expect no foreign event on theirs
    prefix = f"{topic_prefix()}provenance-{uuid.uuid4().hex[:6]}."
    monkeypatch.setenv(PREFIX_VARIABLE, prefix)
    create_topics(ServiceSettings.for_service("admin").kafka_bootstrap)
    # The ACLs of the principals on these topics, beside the run's (which stay).
    apply_security(test=True, drop_stale=False)
    incidents = services("incidents", SSP_INCIDENTS_DB_NAME=fresh_db("incidents"))
    auditor = bearer("auditor", "auditor-provenance")
    school = f"school-pv-{uuid.uuid4().hex[:6]}"
    staffing_store = f"/ssp/staffing/{uuid.uuid4()}"

    # Given an OfficerDeployed forged under the incidents service's source
    forged = publish(
        deployed(f"officer-{uuid.uuid4().hex[:8]}", school),
        str(uuid.uuid4()),
        source=f"/ssp/incidents/{uuid.uuid4()}",
    )
    # and an incidents event type sent on the staffing topic under staffing's own source
    foreign = IncidentHeadTeacherNotified(
        incident_id=str(uuid.uuid4()), school_id=school, notified_at=datetime.now(UTC)
    )
    foreign_event = publish(foreign, foreign.incident_id, source=staffing_store, topic=STAFFING)
    # and, after them, a genuine deployment from a staffing store
    genuine = deployed(f"officer-{uuid.uuid4().hex[:8]}", school)
    publish(genuine, genuine.deployment_id, source=staffing_store)

    # Then both forged events reach the DLQ, each with its reason's kind and nothing else
    def dead_letters() -> dict[str, str]:
        origins = {
            origin_of(r.topic, r.partition, r.offset): dict(r.headers)["ce_id"].decode()
            for r in read_all(STAFFING)
            if dict(r.headers).get("ce_id", b"").decode() in (forged.id, foreign_event.id)
        }
        found = {}
        for record in read_all(dead_letter_topic(STAFFING)):
            letter = dead_letter(record)
            origin = origin_of(letter["topic"], letter["partition"], letter["offset"])
            if origin in origins:
                found[origins[origin]] = letter["error"]
        return found if len(found) == 2 else {}

    reasons = wait_for(dead_letters, timeout=60, what="both forged events dead-lettered")
    assert reasons == {
        forged.id: "provenance: source-not-topic-owner",
        foreign_event.id: "provenance: type-not-of-topic",
    }

    # and the view has the genuine deployment and not the forged one
    def officers() -> set[str]:
        # (a page holds up to 1,000; the view here holds this test's few)
        answer = httpx.get(
            f"{incidents.url}/deployments", params={"limit": 1000}, headers=auditor
        ).json()
        return {d["officer_id"] for d in answer}

    wait_for(lambda: genuine.officer_id in officers(), timeout=60, what="the genuine deployment")
    assert forged.data["officer_id"] not in officers()
    incidents.stop()
    delete_topics(ServiceSettings.for_service("admin").kafka_bootstrap)
