"""Reading whole partitions from their beginning to where they end now (tools, not runners)."""

from collections.abc import Iterator
from typing import Any

from kafka import KafkaConsumer, TopicPartition


def records_to_end(consumer: KafkaConsumer, parts: list[TopicPartition]) -> Iterator[Any]:
    """Every record of ``parts`` below the end each has now, partition by partition in order."""
    ends = consumer.end_offsets(parts)
    todo = [tp for tp in parts if ends[tp] > 0]
    if not todo:
        return  # nothing written yet (seeking with nothing assigned would raise)
    consumer.assign(todo)
    consumer.seek_to_beginning(*todo)
    while todo:
        for tp, records in consumer.poll(timeout_ms=1000).items():
            yield from (r for r in records if r.offset < ends[tp])
        done = [tp for tp in todo if consumer.position(tp) >= ends[tp]]
        if done:
            # Records written since the start are not read: the answer is as of now.
            consumer.pause(*done)
            todo = [tp for tp in todo if tp not in done]
