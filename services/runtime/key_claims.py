"""A batch's event keys recorded while its records are validated, instead of after.

The keys are in the records' headers, so the runner sends the statement that records them
(``tracking.record_keys``) as soon as the batch's transaction has begun, and PostgreSQL
inserts them on the other core while the runner decodes and validates the records (about
half of a batch's time each, bench/README.md). Only validated events are applied: a key
recorded for a record that then fails validation, and used by no valid one, is removed again
in the same transaction, so a bad message never hides a good one with the same key.
"""

import asyncio
import contextlib
from collections.abc import Sequence
from typing import Any

from aiokafka import ConsumerRecord

from services.runtime.identity import dedup_source
from services.runtime.projection import Connection, Projection, ReceivedEvent
from services.runtime.tracking import apply_fresh, event_key, first_by_key, record_keys


class KeyClaim:
    """The keys of one batch's records, being recorded in the batch's transaction."""

    def __init__(
        self, conn: Connection, runner: str, records: Sequence[ConsumerRecord[Any, Any]]
    ) -> None:
        self.conn = conn
        self.runner = runner
        self.keys: dict[tuple[str, str], str] = {}
        for record in records:
            source = event_id = None
            for name, raw in record.headers or ():
                # The last of a repeated header, as the envelope's decoding takes it.
                if name == "ce_source":
                    source = raw
                elif name == "ce_id":
                    event_id = raw
            if source is None or event_id is None or b"\0" in source or b"\0" in event_id:
                # No key (the record fails validation), or one no text column can hold: left
                # to the apply, as before, so one such record cannot fail the batch's claim.
                continue
            pair = (
                dedup_source(source.decode("utf-8", "replace")),
                event_id.decode("utf-8", "replace"),
            )
            if pair not in self.keys:
                self.keys[pair] = event_key(runner, *pair)
        self._recorded = asyncio.ensure_future(record_keys(conn, runner, self.keys))

    @classmethod
    async def send(
        cls, conn: Connection, runner: str, records: Sequence[ConsumerRecord[Any, Any]]
    ) -> "KeyClaim":
        """Start recording the keys of ``records``; returns once the statement is sent."""
        claim = cls(conn, runner, records)
        await asyncio.sleep(0)  # the statement goes out before the caller's validation
        return claim

    async def settle(self) -> None:
        """Wait for the statement, whatever its outcome (the connection is free after)."""
        with contextlib.suppress(Exception):
            await self._recorded

    async def apply(
        self, projections: Sequence[Projection], events: Sequence[ReceivedEvent]
    ) -> list[ReceivedEvent]:
        """Apply the valid ``events`` whose keys were new; drop keys only bad records had."""
        recorded = await self._recorded
        keys = dict(self.keys)
        first = first_by_key(self.runner, events, keys)
        # Pairs not from the headers' values (not expected) are recorded now.
        late = {pair: key for pair, key in keys.items() if pair not in self.keys}
        recorded |= await record_keys(self.conn, self.runner, late)
        unused = recorded - first.keys()
        if unused:
            await self.conn.execute(
                "DELETE FROM ssp_processed_events WHERE key = ANY($1::uuid[])", list(unused)
            )
        fresh = [event for key, event in first.items() if key in recorded]
        await apply_fresh(self.conn, projections, fresh)
        return fresh
