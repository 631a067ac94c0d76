"""Incidents' view of Section 115 requests about pupils, from disclosure's topic.

For a pupil's chronology. The service never asks disclosure synchronously (services learn
about each other only from events): a projection keeps, in incidents' own database, each step
of a request (submitted, countersigned, decided, released, closed) with the request's subject
reference, from the contracts, which carry no free text. That reference is the subject's
pseudonym, the same in every service (``services/runtime/subject_registry.py``), so the
chronology asks for the pupil's own pseudonym. Unit tests use the in-memory twin.
"""

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

import asyncpg
from ssp_contracts import EventPayload
from ssp_contracts.events.disclosure import (
    DISCLOSURE,
    DecisionCorrected,
    DecisionRecorded,
    DisclosureReleased,
    RequestClosed,
    RequestCountersigned,
    RequestSubmitted,
)

from services.runtime.projection import Connection, Projection, ReceivedEvent

DDL = """
CREATE TABLE IF NOT EXISTS disclosure_subjects (
    request_id text PRIMARY KEY,
    subject_ref text NOT NULL
);
CREATE INDEX IF NOT EXISTS disclosure_subjects_ref ON disclosure_subjects (subject_ref);
CREATE TABLE IF NOT EXISTS disclosure_steps (
    request_id text NOT NULL,
    step text NOT NULL,
    at timestamptz NOT NULL,
    school_id text NOT NULL,
    details jsonb NOT NULL,
    PRIMARY KEY (request_id, step, at)
);
"""


@dataclass(frozen=True)
class Step:
    """One step of a request: what happened, when, at which school, with what (no free text)."""

    request_id: str
    step: str
    at: datetime
    school_id: str
    details: dict[str, Any]


def step_of(p: EventPayload) -> Step | None:
    """The chronology step an event of disclosure's topic is, or None."""
    if isinstance(p, RequestSubmitted):
        details: dict[str, Any] = {"urgency": p.urgency, "categories": list(p.categories)}
        return Step(p.request_id, "request_submitted", p.submitted_at, p.school_id, details)
    if isinstance(p, RequestCountersigned):
        return Step(p.request_id, "request_countersigned", p.signed_at, p.school_id, {})
    if isinstance(p, DecisionRecorded | DecisionCorrected):
        name = "decision_corrected" if isinstance(p, DecisionCorrected) else "decision_recorded"
        details = {"outcome": p.outcome, "withheld": list(p.withheld_categories)}
        return Step(p.request_id, name, p.decided_at, p.school_id, details)
    if isinstance(p, DisclosureReleased):
        details = {"categories_shared": list(p.categories_shared), "recipient": p.recipient_body}
        return Step(p.request_id, "disclosure_released", p.released_at, p.school_id, details)
    if isinstance(p, RequestClosed):
        return Step(p.request_id, "request_closed", p.closed_at, p.school_id, {})
    return None


class DisclosuresView(Protocol):
    """What the chronology asks of the view."""

    async def of_subject(self, subject_ref: str) -> list[Step]:
        """Every step of every request about ``subject_ref`` (a pseudonym), oldest first."""
        ...


class DisclosuresProjection(Projection):
    """Keeps each request's subject and steps; ignores planning exchanges and amendments."""

    name = "incidents.disclosures"
    topics = (DISCLOSURE,)

    async def create_tables(self, conn: Connection) -> None:
        await conn.execute(DDL)

    async def apply(self, conn: Connection, events: Sequence[ReceivedEvent]) -> None:
        for event in events:
            p = event.payload
            if isinstance(p, RequestSubmitted):
                await conn.execute(
                    "INSERT INTO disclosure_subjects VALUES ($1, $2) ON CONFLICT DO NOTHING",
                    p.request_id,
                    p.subject_ref,
                )
            step = step_of(p)
            if step is not None:
                await conn.execute(
                    "INSERT INTO disclosure_steps VALUES ($1, $2, $3, $4, $5)"
                    " ON CONFLICT DO NOTHING",
                    step.request_id,
                    step.step,
                    step.at,
                    step.school_id,
                    json.dumps(step.details),
                )


class PostgresDisclosures:
    """The view in the service's database."""

    def __init__(self, pool: asyncpg.Pool) -> None:
        self.pool = pool

    async def of_subject(self, subject_ref: str) -> list[Step]:
        rows = await self.pool.fetch(
            """SELECT d.request_id, d.step, d.at, d.school_id, d.details
               FROM disclosure_steps d JOIN disclosure_subjects s USING (request_id)
               WHERE s.subject_ref = $1 ORDER BY d.at, d.request_id, d.step""",
            subject_ref,
        )
        return [Step(**{**dict(r), "details": json.loads(r["details"])}) for r in rows]


class InMemoryDisclosures:
    """The same view in memory, for fast API tests."""

    def __init__(self) -> None:
        self.subjects: dict[str, str] = {}
        self.steps: list[Step] = []

    def apply(self, payload: EventPayload) -> None:
        """Apply one event of disclosure's topic, as the projection does."""
        if isinstance(payload, RequestSubmitted):
            self.subjects.setdefault(payload.request_id, payload.subject_ref)
        step = step_of(payload)
        if step is not None and step not in self.steps:
            self.steps.append(step)

    async def of_subject(self, subject_ref: str) -> list[Step]:
        mine = [s for s in self.steps if self.subjects.get(s.request_id) == subject_ref]
        return sorted(mine, key=lambda s: (s.at, s.request_id, s.step))
