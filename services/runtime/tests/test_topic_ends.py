"""A new read model's runners start at the topics' end; one that has begun is never moved."""

from collections.abc import Callable
from typing import Any

import psycopg
import pytest
from ssp_contracts.topics import kafka_topic

from services.incidents.tests.staffing import publish_deployment
from services.runtime.settings import ServiceSettings
from services.runtime.topic_ends import ends_now, start_runners_at_end

pytestmark = pytest.mark.stack

STAFFING, SELFTEST = "ssp.staffing.events", "ssp.platform.selftest"


def _stored(db: str) -> set[tuple[str, str, int, int]]:
    settings = ServiceSettings.for_service("admin", db_name=db)
    with psycopg.connect(settings.pg_dsn) as conn:
        rows = conn.execute(
            "SELECT runner, topic, partition, next_offset FROM ssp_consumer_offsets"
        ).fetchall()
    return {(r, t, p, o) for r, t, p, o in rows}


def test_runners_start_at_the_end_of_their_own_topics_once(
    fresh_db: Callable[[str], str],
) -> None:
    db = fresh_db("topicends")
    publish_deployment("officer-te-1", ["school-te-1"])  # the staffing topic has an end > 0
    ends = ends_now([STAFFING, SELFTEST])

    # When two runners of one read model start at the end, each of its own topics
    start_runners_at_end(db, {"views": [STAFFING, SELFTEST], "audit": [STAFFING]})

    # Then each runner has every partition of its topics, at that end, under the broker's names
    def at_end(runner: str, topics: list[str]) -> set[Any]:
        names = {kafka_topic(t) for t in topics}
        return {(runner, t, p, o) for (t, p), o in ends.items() if t in names}

    first = _stored(db)
    assert first == at_end("views", [STAFFING, SELFTEST]) | at_end("audit", [STAFFING])
    assert any(o > 0 for (_, t, _, o) in first if t == kafka_topic(STAFFING))

    # And once the read model has begun, a second call moves nothing, though the topic grew
    publish_deployment("officer-te-2", ["school-te-2"])
    start_runners_at_end(db, {"views": [STAFFING, SELFTEST], "audit": [STAFFING]})
    assert _stored(db) == first
