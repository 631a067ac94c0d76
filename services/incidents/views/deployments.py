"""The local view of which officer is deployed to which school, from staffing events.

The service never asks staffing synchronously (DESIGN §2): a projection keeps the view in
the service's own database; unit tests use the in-memory twin, fed the same payloads.
"""

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date
from typing import Protocol

import asyncpg
from ssp_contracts.events.staffing import (
    STAFFING,
    DeploymentEnded,
    DeploymentExtended,
    OfficerDeployed,
    TermCalendarSet,
)

from services.incidents.views.shifts import DDL as SHIFTS_DDL
from services.incidents.views.shifts import (
    ROSTER_EVENTS,
    MemoryShifts,
    RosteredShift,
    RosterEvent,
    apply_roster,
    shift_on,
)
from services.runtime.projection import Connection, Projection, ReceivedEvent

DDL = """
CREATE TABLE IF NOT EXISTS officer_deployments (
    deployment_id text PRIMARY KEY,
    officer_id text NOT NULL,
    borough text NOT NULL,
    school_ids text[] NOT NULL,
    start_date date NOT NULL,
    tenure_end date NOT NULL,
    ended_on date
);
CREATE INDEX IF NOT EXISTS officer_deployments_officer ON officer_deployments (officer_id);
-- The officer's rank decides their powers (a PCSO neither searches nor arrests).
ALTER TABLE officer_deployments ADD COLUMN IF NOT EXISTS rank text;
-- The borough's term dates and holidays (INSET days included): protocol hours are school hours.
CREATE TABLE IF NOT EXISTS borough_terms (
    borough text NOT NULL,
    term text NOT NULL,
    starts_on date NOT NULL,
    ends_on date NOT NULL,
    holidays daterange[] NOT NULL,
    PRIMARY KEY (borough, term)
);
"""
# Closed: inside a term's holiday, or between two published terms of the school's borough.
CLOSED = """
WITH b AS (
    SELECT DISTINCT borough FROM officer_deployments WHERE $1 = ANY(school_ids) AND borough <> ''
)
SELECT EXISTS (
    SELECT 1 FROM borough_terms t JOIN b USING (borough)
    WHERE $2 BETWEEN t.starts_on AND t.ends_on AND $2 <@ ANY(t.holidays)
) OR (
    NOT EXISTS (SELECT 1 FROM borough_terms t JOIN b USING (borough)
                WHERE $2 BETWEEN t.starts_on AND t.ends_on)
    AND EXISTS (SELECT 1 FROM borough_terms t JOIN b USING (borough) WHERE t.ends_on < $2)
    AND EXISTS (SELECT 1 FROM borough_terms t JOIN b USING (borough) WHERE t.starts_on > $2)
)
"""
ACTIVE = "start_date <= $1 AND tenure_end >= $1 AND (ended_on IS NULL OR ended_on >= $1)"


@dataclass(frozen=True)
class Deployment:
    """One deployment of an officer to a school or cluster."""

    deployment_id: str
    officer_id: str
    borough: str
    school_ids: tuple[str, ...]
    start_date: date
    tenure_end: date
    ended_on: date | None = None
    rank: str | None = None  # None: an event from before staffing published ranks

    def active_on(self, day: date) -> bool:
        """Deployed on ``day``: started, within tenure and not ended before it."""
        ended = self.ended_on is not None and self.ended_on < day
        return self.start_date <= day <= self.tenure_end and not ended


class DeploymentsView(Protocol):
    """What the API asks of the view."""

    async def active(self, day: date, officer_id: str | None = None) -> list[Deployment]:
        """Deployments active on ``day``, of one officer or of all."""
        ...

    async def every(self) -> list[Deployment]:
        """Every deployment ever seen, ended or not (a school's borough outlives them)."""
        ...

    async def school_closed(self, school_id: str, day: date) -> bool:
        """Whether the borough's calendar says the school is shut on ``day`` (holiday, INSET
        day, or between terms); False where no calendar says so."""
        ...

    async def shift(self, officer_id: str, day: date) -> RosteredShift | None:
        """The officer's rostered shift on ``day``, if staffing published one."""
        ...


class DeploymentsProjection(Projection):
    """Applies OfficerDeployed, DeploymentExtended, DeploymentEnded, TermCalendarSet and the
    roster events (``shifts.py``)."""

    name = "incidents.deployments"
    topics = (STAFFING,)

    async def create_tables(self, conn: Connection) -> None:
        await conn.execute(DDL)
        await conn.execute(SHIFTS_DDL)

    async def apply(self, conn: Connection, events: Sequence[ReceivedEvent]) -> None:
        for event in events:
            p = event.payload
            if isinstance(p, ROSTER_EVENTS):
                await apply_roster(conn, p)
            elif isinstance(p, OfficerDeployed):
                await conn.execute(
                    """INSERT INTO officer_deployments
                           (deployment_id, officer_id, borough, school_ids, start_date,
                            tenure_end, rank) VALUES ($1, $2, $3, $4, $5, $6, $7)
                       ON CONFLICT (deployment_id) DO UPDATE SET officer_id = $2, borough = $3,
                           school_ids = $4, start_date = $5, tenure_end = $6, rank = $7""",
                    p.deployment_id,
                    p.officer_id,
                    p.borough,
                    list(p.school_ids),
                    p.start_date,
                    p.tenure_end,
                    p.rank,
                )
            elif isinstance(p, DeploymentExtended):
                await conn.execute(
                    "UPDATE officer_deployments SET tenure_end = $2 WHERE deployment_id = $1",
                    p.deployment_id,
                    p.tenure_end,
                )
            elif isinstance(p, TermCalendarSet):
                await conn.execute(
                    """INSERT INTO borough_terms VALUES ($1, $2, $3, $4, $5::daterange[])
                       ON CONFLICT (borough, term) DO UPDATE SET starts_on = $3, ends_on = $4,
                           holidays = $5::daterange[]""",
                    p.borough, p.term, p.starts_on, p.ends_on,
                    [asyncpg.Range(h.starts_on, h.ends_on, upper_inc=True) for h in p.holidays],
                )  # fmt: skip
            elif isinstance(p, DeploymentEnded):
                # An end that overtakes its start still lands once the start arrives.
                await conn.execute(
                    """INSERT INTO officer_deployments
                           (deployment_id, officer_id, borough, school_ids, start_date,
                            tenure_end, ended_on) VALUES ($1, $2, '', $3, $4, $4, $4)
                       ON CONFLICT (deployment_id) DO UPDATE SET ended_on = $4""",
                    p.deployment_id,
                    p.officer_id,
                    list(p.school_ids),
                    p.ended_on,
                )


class PostgresDeployments:
    """The view in the service's database."""

    def __init__(self, pool: asyncpg.Pool) -> None:
        self.pool = pool

    async def active(self, day: date, officer_id: str | None = None) -> list[Deployment]:
        query = f"SELECT * FROM officer_deployments WHERE {ACTIVE}"
        args: list[object] = [day]
        if officer_id is not None:
            query += " AND officer_id = $2"
            args.append(officer_id)
        return self._rows(await self.pool.fetch(query + " ORDER BY deployment_id", *args))

    async def every(self) -> list[Deployment]:
        return self._rows(await self.pool.fetch("SELECT * FROM officer_deployments"))

    async def school_closed(self, school_id: str, day: date) -> bool:
        try:
            return bool(await self.pool.fetchval(CLOSED, school_id, day))
        except asyncpg.UndefinedTableError:
            # The projection makes its tables when it first runs: until then (or on an
            # instance running without it) no calendar is known, so none closes the day.
            return False

    async def shift(self, officer_id: str, day: date) -> RosteredShift | None:
        return await shift_on(self.pool, officer_id, day)

    @staticmethod
    def _rows(rows: list[asyncpg.Record]) -> list[Deployment]:
        return [Deployment(**{**dict(r), "school_ids": tuple(r["school_ids"])}) for r in rows]


class InMemoryDeployments:
    """The same view in memory, for fast API tests."""

    def __init__(self) -> None:
        self.rows: dict[str, Deployment] = {}
        self.terms: dict[tuple[str, str], TermCalendarSet] = {}
        self.shifts = MemoryShifts()

    def apply(
        self,
        payload: OfficerDeployed
        | DeploymentExtended
        | DeploymentEnded
        | TermCalendarSet
        | RosterEvent,
    ) -> None:
        """Apply one staffing event, as the projection does."""
        if isinstance(payload, ROSTER_EVENTS):
            self.shifts.apply(payload)
            return
        if isinstance(payload, TermCalendarSet):
            self.terms[(payload.borough, payload.term)] = payload
            return
        old = self.rows.get(payload.deployment_id)
        if isinstance(payload, DeploymentExtended):
            if old is not None:
                self.rows[payload.deployment_id] = replace(old, tenure_end=payload.tenure_end)
        elif isinstance(payload, OfficerDeployed):
            self.rows[payload.deployment_id] = Deployment(
                payload.deployment_id,
                payload.officer_id,
                payload.borough,
                tuple(payload.school_ids),
                payload.start_date,
                payload.tenure_end,
                old.ended_on if old else None,
                payload.rank,
            )
        else:
            # An end that overtakes its start still lands once the start arrives.
            placeholder = Deployment(
                payload.deployment_id, payload.officer_id, "", tuple(payload.school_ids),
                payload.ended_on, payload.ended_on,
            )  # fmt: skip
            self.rows[payload.deployment_id] = replace(
                old or placeholder, ended_on=payload.ended_on
            )

    async def active(self, day: date, officer_id: str | None = None) -> list[Deployment]:
        return [
            d
            for _, d in sorted(self.rows.items())
            if d.active_on(day) and officer_id in (None, d.officer_id)
        ]

    async def every(self) -> list[Deployment]:
        return list(self.rows.values())

    async def school_closed(self, school_id: str, day: date) -> bool:
        boroughs = {d.borough for d in self.rows.values() if school_id in d.school_ids}
        terms = [t for (b, _), t in self.terms.items() if b in boroughs]
        within = [t for t in terms if t.starts_on <= day <= t.ends_on]
        if within:
            return any(h.starts_on <= day <= h.ends_on for t in within for h in t.holidays)
        return any(t.ends_on < day for t in terms) and any(t.starts_on > day for t in terms)

    async def shift(self, officer_id: str, day: date) -> RosteredShift | None:
        return self.shifts.on(officer_id, day)
