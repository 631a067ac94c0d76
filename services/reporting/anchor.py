"""Verify the trail in the database against its published checkpoints and the events on Kafka.

The chain alone catches an edited, deleted or moved entry. What it cannot catch, a rewrite
that recomputes every hash (a self-consistent forgery, or a truncated tail with a new head),
shows against the signed checkpoints on ``ssp.audit.checkpoints``; the entries between two
checkpoints, or after the last, are then compared one by one with their events on Kafka to
name the first that differs.
"""

from collections import deque
from collections.abc import Iterable
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from kafka import KafkaConsumer, TopicPartition
from ssp_contracts import EnvelopeError
from ssp_contracts.events.audit import AuditCheckpointSigned
from ssp_contracts.topics import AUDIT_CHECKPOINTS_TOPIC, kafka_topic

from services.reporting import audit_trail, epochs
from services.reporting.canonical import NotCanonicalisable
from services.reporting.chain import GENESIS, Break, ChainChecker, canonical_v2
from services.reporting.checkpoints import positions
from services.reporting.projections.audit import entry_of
from services.reporting.signing import signature_holds
from services.runtime.kafka_security import AUDITOR, kafka_client
from services.runtime.projection import Connection, ReceivedEvent, decode_record

Offsets = dict[tuple[str, int], int]


def read_records(bootstrap: str, start: Offsets, end: Offsets) -> list[Any]:
    """Kafka records in [start, end) per partition (blocking; kafka-python)."""
    wanted = {tp: (start.get(tp, 0), stop) for tp, stop in end.items() if stop > start.get(tp, 0)}
    if not wanted:
        return []
    consumer = KafkaConsumer(
        enable_auto_commit=False, **kafka_client(AUDITOR, bootstrap).kafka_python()
    )
    try:
        tps = [TopicPartition(t, p) for t, p in wanted]
        consumer.assign(tps)
        for tp in tps:
            consumer.seek(tp, wanted[(tp.topic, tp.partition)][0])
        records: list[Any] = []
        pending = set(tps)
        while pending:
            for tp, batch in consumer.poll(timeout_ms=1000, max_records=5000).items():
                records += [r for r in batch if r.offset < wanted[(tp.topic, tp.partition)][1]]
            pending = {
                tp for tp in pending if consumer.position(tp) < wanted[(tp.topic, tp.partition)][1]
            }
        return records
    finally:
        consumer.close()


def published_checkpoints(
    bootstrap: str, trail_id: str, keys: dict[str, Ed25519PublicKey]
) -> tuple[list[AuditCheckpointSigned], int]:
    """This trail's checkpoints whose signature holds, by entries; and how many did not."""
    consumer = KafkaConsumer(
        enable_auto_commit=False, **kafka_client(AUDITOR, bootstrap).kafka_python()
    )
    try:
        parts = consumer.partitions_for_topic(kafka_topic(AUDIT_CHECKPOINTS_TOPIC.name)) or set()
        end = consumer.end_offsets(
            [TopicPartition(kafka_topic(AUDIT_CHECKPOINTS_TOPIC.name), p) for p in parts]
        )
    finally:
        consumer.close()
    found: list[AuditCheckpointSigned] = []
    forged = 0
    for record in read_records(
        bootstrap, {}, {(tp.topic, tp.partition): o for tp, o in end.items()}
    ):
        try:
            checkpoint = AuditCheckpointSigned.model_validate(decode_record(record).envelope.data)
        except (EnvelopeError, ValueError):
            forged += 1
            continue
        if checkpoint.trail_id != trail_id:
            continue
        if signature_holds(checkpoint, keys):
            found.append(checkpoint)
        else:
            forged += 1
    return sorted(found, key=lambda c: c.number), forged


class NoSuchEpoch(ValueError):
    """--from-epoch names an epoch the trail does not have."""


async def verify_anchored(
    conn: Connection, bootstrap: str, keys: dict[str, Ed25519PublicKey], from_epoch: int = 0
) -> tuple[int, Break | None, int]:
    """(entries, first break or None, checkpoints that did not verify), from an epoch on."""
    trail = await epochs.load(conn)
    if not 0 <= from_epoch < len(trail):
        raise NoSuchEpoch(f"--from-epoch: the trail has epochs 0 to {len(trail) - 1}")
    published, forged = published_checkpoints(bootstrap, trail[0].trail_id, keys)
    published = [c for c in published if c.epoch >= from_epoch]
    edited = epochs.edited(trail)
    if edited is not None:
        return 0, edited, forged
    first = trail[from_epoch]
    checker = ChainChecker(
        first.genesis or GENESIS, first.entries, epochs.boundaries(trail[from_epoch + 1 :])
    )
    # (epoch, entries) -> (seq, hash) of the head there, for every checkpoint to compare with
    hashes = {(e.epoch, e.entries): (e.after_seq, e.genesis) for e in trail if e.epoch > 0}
    wanted = {(c.epoch, c.entries) for c in published}
    starts = [e.after_seq for e in trail[1:]]
    async for row in audit_trail.stream_entries(conn, after_seq=first.after_seq, decode=False):
        if not checker.check(row):
            return checker.entries, checker.broken, forged
        epoch = sum(1 for after in starts if row["seq"] > after)
        if (epoch, checker.entries) in wanted:
            hashes[(epoch, checker.entries)] = (row["seq"], row["hash"])
    if checker.entries and not published:
        reason = f"no signed checkpoint of trail {trail[0].trail_id} was published (replaced?)"
        return checker.entries, Break(None, None, reason), forged
    previous: AuditCheckpointSigned | None = None
    for cp in published:
        if (cp.epoch, cp.entries) != (0, 0) and hashes.get((cp.epoch, cp.entries)) != (
            cp.last_seq,
            cp.head_hash,
        ):
            named = await compare_with_kafka(conn, bootstrap, previous, cp.last_seq, cp)
            return checker.entries, named or _bracket(previous, cp), forged
        if previous is not None and previous.epoch < cp.epoch:
            # A new epoch names the old end as found; what was lost before it still shows.
            named = await compare_with_kafka(conn, bootstrap, previous, cp.last_seq, cp)
            if named is not None:
                why = f"{named.reason}, before epoch {cp.epoch} began"
                return checker.entries, Break(named.seq, named.event_id, why), forged
        previous = cp
    consumed = {(p["topic"], p["partition"]): p["next_offset"] for p in await positions(conn)}
    named = await compare_with_kafka(conn, bootstrap, previous, None, None, consumed)
    if named is not None:
        return checker.entries, named, forged
    return checker.entries, checker.finish(await audit_trail.recorded_head(conn)).broken, forged


def _bracket(previous: AuditCheckpointSigned | None, cp: AuditCheckpointSigned) -> Break:
    since = f"after entry {previous.entries}" if previous else "from the start"
    return Break(
        None,
        None,
        f"an entry {since} up to entry {cp.entries} differs from what checkpoint {cp.number}"
        f" signed at {cp.signed_at.isoformat()} (the trail was rewritten)",
    )


def _offsets(cp: AuditCheckpointSigned | None) -> Offsets:
    return {(p.topic, p.partition): p.next_offset for p in cp.positions} if cp else {}


async def compare_with_kafka(
    conn: Connection,
    bootstrap: str,
    previous: AuditCheckpointSigned | None,
    until_seq: int | None,
    cp: AuditCheckpointSigned | None,
    consumed: Offsets | None = None,
) -> Break | None:
    """The first entry in (previous, until_seq] that differs from, or lacks, its Kafka event."""
    import asyncio

    start = _offsets(previous)
    end = _offsets(cp) if cp else {k: max(v, start.get(k, 0)) for k, v in (consumed or {}).items()}
    records = await asyncio.to_thread(read_records, bootstrap, start, end)
    after = previous.last_seq if previous else 0
    expected = await _expected(conn, records, after)
    async for row in audit_trail.stream_entries(conn, after_seq=after, decode=False):
        if until_seq is not None and row["seq"] > until_seq:
            break
        if row["kafka_partition"] is None:
            continue  # recorded before entries kept their Kafka position
        queue = expected.get((row["topic"], row["kafka_partition"]), deque())
        while queue and queue[0]["kafka_offset"] < row["kafka_offset"]:
            lost = queue.popleft()
            return _missing(lost, f"before entry seq {row['seq']}")
        if not queue or queue[0]["kafka_offset"] != row["kafka_offset"]:
            return Break(row["seq"], row["event_id"], "no such event on Kafka at its position")
        event = queue.popleft()
        if canonical_v2(row) != canonical_v2(event):
            return Break(row["seq"], row["event_id"], "it differs from its event on Kafka")
    for queue in expected.values():
        if queue:
            return _missing(queue[0], "at the end of the trail (its tail was removed)")
    return None


def _missing(event: dict[str, Any], where: str) -> Break:
    place = f"{event['topic']}/{event['kafka_partition']}/{event['kafka_offset']}"
    return Break(None, event["event_id"], f"event {event['event_id']} ({place}) is missing {where}")


async def _expected(conn: Connection, records: Iterable[Any], after_seq: int) -> dict[Any, Any]:
    """The entries the records should have made, per partition: duplicates and undecodable
    records left out, as the runner leaves them out."""
    events: list[ReceivedEvent] = []
    for record in records:
        try:
            events.append(decode_record(record))
        except EnvelopeError:
            continue
    ids = [e.envelope.id for e in events]
    earlier = {
        r["event_id"]
        for r in await conn.fetch(
            "SELECT event_id FROM audit_trail WHERE event_id = ANY($1::text[]) AND seq <= $2",
            ids,
            after_seq,
        )
    }
    queues: dict[Any, Any] = {}
    for event in sorted(events, key=lambda e: e.offset):
        if event.envelope.id in earlier:
            continue
        earlier.add(event.envelope.id)
        entry = entry_of(event)
        try:
            canonical_v2(entry)
        except NotCanonicalisable:
            continue  # the projection refused it too (dead-lettered: jsonb cannot hold it)
        queues.setdefault((event.topic, event.partition), deque()).append(entry)
    return queues
