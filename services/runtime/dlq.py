"""Dead letters: a message that cannot be decoded or applied goes to ``<topic>.dlq``."""

import logging
from typing import Any

from aiokafka import ConsumerRecord
from faststream.kafka import KafkaBroker
from ssp_contracts import dead_letter_topic

from services.runtime.metrics import ProjectionMetrics

log = logging.getLogger(__name__)

REASON_HEADER = "x-ssp-dlq-reason"


class DeadLetters:
    """Publishes failed records, untouched, with the reason and origin in headers."""

    def __init__(self, broker: KafkaBroker, runner: str, metrics: ProjectionMetrics) -> None:
        self.broker = broker
        self.runner = runner
        self.metrics = metrics

    async def send(self, record: ConsumerRecord[Any, Any], reason: str) -> None:
        """Publish ``record`` to its topic's DLQ; the consumer carries on either way."""
        headers = {k: (v or b"").decode("utf-8", "replace") for k, v in (record.headers or ())}
        headers.update(
            {
                REASON_HEADER: reason[:1000],
                "x-ssp-dlq-origin": f"{record.topic}/{record.partition}/{record.offset}",
                "x-ssp-dlq-runner": self.runner,
            }
        )
        log.warning(
            "dead letter %s/%s/%s: %s", record.topic, record.partition, record.offset, reason
        )
        await self.broker.publish(
            record.value or b"",
            topic=dead_letter_topic(record.topic),
            key=record.key,
            headers=headers,
        )
        self.metrics.dead_lettered.labels(self.runner, record.topic, reason.split(":")[0]).inc()
