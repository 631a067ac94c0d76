"""Dead letters: a message that cannot be decoded or applied is noted on ``<topic>.dlq``.

A dead letter carries where the message is and why it failed, nothing of the message itself:
no value, no key, none of its headers. The message stays where it was (event topics keep
everything), so an operator reads it there, with the access that topic needs; the DLQ, read
by more people and tools, holds no personal data. The error is our own words (a kind, a
contract's complaint about a field), never a database's or a library's text, which may quote
values.
"""

import json
import logging
from typing import Any

from aiokafka import ConsumerRecord
from faststream.kafka import KafkaBroker
from ssp_contracts import dead_letter_topic

from services.runtime.metrics import ProjectionMetrics

log = logging.getLogger(__name__)

REASON_HEADER = "x-ssp-dlq-reason"
ORIGIN_HEADER = "x-ssp-dlq-origin"
RUNNER_HEADER = "x-ssp-dlq-runner"


def origin_of(topic: str, partition: int, offset: int) -> str:
    """Where a message is: ``<topic>/<partition>/<offset>`` (the broker's topic name)."""
    return f"{topic}/{partition}/{offset}"


def dead_letter(record: Any) -> dict[str, Any]:
    """What a dead letter says: topic, partition, offset, error (and the runner, in headers)."""
    body: dict[str, Any] = json.loads(record.value)
    return {**body, "runner": dict(record.headers or ()).get(RUNNER_HEADER, b"").decode()}


class DeadLetters:
    """Publishes, for each failed record, where it is and why it failed."""

    def __init__(self, broker: KafkaBroker, runner: str, metrics: ProjectionMetrics) -> None:
        self.broker = broker
        self.runner = runner
        self.metrics = metrics

    async def send(self, record: ConsumerRecord[Any, Any], reason: str) -> None:
        """Publish the dead letter of ``record``; the consumer carries on either way."""
        origin = origin_of(record.topic, record.partition, record.offset)
        error = reason[:1000]
        log.warning("dead letter %s: %s", origin, error)
        body = {
            "topic": record.topic,
            "partition": record.partition,
            "offset": record.offset,
            "error": error,
        }
        await self.broker.publish(
            json.dumps(body).encode(),
            topic=dead_letter_topic(record.topic),
            headers={REASON_HEADER: error, ORIGIN_HEADER: origin, RUNNER_HEADER: self.runner},
        )
        self.metrics.dead_lettered.labels(self.runner, record.topic, reason.split(":")[0]).inc()
