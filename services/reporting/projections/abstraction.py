"""Abstraction and ring-fencing: the facts the rates are computed from.

The read model keeps facts, not totals: rostered shifts, abstractions and ring-fence
periods. Every figure (per officer, school, borough and London; per week, month and
term) is summed from them at query time, so the result does not depend on the order in
which events of different aggregates arrive, and a rebuild compares row for row.
"""

from ssp_contracts.events import staffing as s

from services.runtime.batching import StatementBatch
from services.runtime.dispatch import Handlers
from services.runtime.projection import Apply, Connection, HandledProjection

DDL = """
CREATE TABLE IF NOT EXISTS abs_shifts (
    roster_id text NOT NULL,
    shift_date date NOT NULL,
    officer_id text NOT NULL,
    borough text NOT NULL,
    term text NOT NULL,
    school_ids text[] NOT NULL,
    hours double precision NOT NULL,
    PRIMARY KEY (roster_id, shift_date)
);
CREATE INDEX IF NOT EXISTS abs_shifts_borough ON abs_shifts (borough, shift_date);
CREATE TABLE IF NOT EXISTS abs_abstractions (
    abstraction_id text PRIMARY KEY,
    roster_id text NOT NULL,
    officer_id text NOT NULL,
    borough text NOT NULL,
    term text NOT NULL,
    school_ids text[] NOT NULL,
    shift_date date NOT NULL,
    hours double precision NOT NULL,
    category text NOT NULL,
    exceptional boolean,
    breach boolean NOT NULL DEFAULT false
);
CREATE INDEX IF NOT EXISTS abs_abstractions_borough ON abs_abstractions (borough, shift_date);
CREATE TABLE IF NOT EXISTS abs_absences (
    absence_id text PRIMARY KEY,
    officer_id text NOT NULL,
    borough text NOT NULL,
    kind text NOT NULL,
    starts_on date NOT NULL,
    ends_on date NOT NULL
);
CREATE TABLE IF NOT EXISTS abs_ring_fences (
    officer_id text NOT NULL,
    ring_fenced_from date NOT NULL,
    borough text NOT NULL,
    lifted_on date,
    PRIMARY KEY (officer_id, ring_fenced_from)
);
"""
ABSTRACTION = """
INSERT INTO abs_abstractions (abstraction_id, roster_id, officer_id, borough, term, school_ids,
    shift_date, hours, category, exceptional, breach)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
ON CONFLICT (abstraction_id) DO UPDATE
SET exceptional = COALESCE(EXCLUDED.exceptional, abs_abstractions.exceptional),
    breach = abs_abstractions.breach OR EXCLUDED.breach
"""
SHIFT = """
INSERT INTO abs_shifts (roster_id, shift_date, officer_id, borough, term, school_ids, hours)
VALUES ($1, $2, $3, $4, $5, $6, $7)
ON CONFLICT (roster_id, shift_date) DO UPDATE
SET hours = EXCLUDED.hours, school_ids = EXCLUDED.school_ids
"""


HANDLERS: Handlers[Apply] = Handlers()


class AbstractionView(HandledProjection):
    """Rostered hours, absences, abstractions by category, ring-fences and their breaches."""

    name = "abstraction"
    topics = (s.STAFFING, s.ABSTRACTIONS)
    handlers = HANDLERS

    async def create_tables(self, conn: Connection) -> None:
        await conn.execute(DDL)


@HANDLERS.on(s.RosterGenerated)
async def _roster(b: StatementBatch, p: s.RosterGenerated) -> None:
    # A regenerated roster replaces the term's plan.
    await b.execute("DELETE FROM abs_shifts WHERE roster_id = $1", p.roster_id)
    await b.executemany(
        SHIFT,
        [
            (p.roster_id, x.date, p.officer_id, p.borough, p.term, p.school_ids, x.hours)
            for x in p.shifts
        ],
    )


@HANDLERS.on(s.ShiftAmended)
async def _amended(b: StatementBatch, p: s.ShiftAmended) -> None:
    x = p.shift
    await b.execute(
        SHIFT, p.roster_id, x.date, p.officer_id, p.borough, p.term, p.school_ids, x.hours
    )


@HANDLERS.on(s.ShiftCancelled)
async def _cancelled(b: StatementBatch, p: s.ShiftCancelled) -> None:
    await b.execute(
        "DELETE FROM abs_shifts WHERE roster_id = $1 AND shift_date = $2", p.roster_id, p.date
    )


@HANDLERS.on(s.OfficerAbstracted, s.RingFenceBreached)
async def _abstracted(b: StatementBatch, p: s.OfficerAbstracted | s.RingFenceBreached) -> None:
    # Both events of one abstraction land on the same row, whichever comes first.
    breach = isinstance(p, s.RingFenceBreached)
    exceptional = p.exceptional if isinstance(p, s.OfficerAbstracted) else None
    await b.execute(
        ABSTRACTION, p.abstraction_id, p.roster_id, p.officer_id, p.borough, p.term,
        p.school_ids, p.shift_date, p.hours, p.category, exceptional, breach,
    )  # fmt: skip


@HANDLERS.on(s.AbsenceNotified)
async def _absence(b: StatementBatch, p: s.AbsenceNotified) -> None:
    # Leave never reaches the roster: the figures take its days off the rostered hours.
    await b.execute(
        """INSERT INTO abs_absences VALUES ($1, $2, $3, $4, $5, $6)
           ON CONFLICT (absence_id) DO UPDATE SET kind = $4, starts_on = $5, ends_on = $6""",
        p.absence_id, p.officer_id, p.borough, p.kind, p.starts_on, p.ends_on,
    )  # fmt: skip


@HANDLERS.on(s.OfficerRingFenced)
async def _ring_fenced(b: StatementBatch, p: s.OfficerRingFenced) -> None:
    await b.execute(
        """INSERT INTO abs_ring_fences (officer_id, ring_fenced_from, borough)
           VALUES ($1, $2, $3) ON CONFLICT DO NOTHING""",
        p.officer_id, p.ring_fenced_from, p.borough,
    )  # fmt: skip


@HANDLERS.on(s.RingFenceLifted)
async def _lifted(b: StatementBatch, p: s.RingFenceLifted) -> None:
    await b.execute(
        """INSERT INTO abs_ring_fences (officer_id, ring_fenced_from, borough, lifted_on)
           VALUES ($1, $2, $3, $4)
           ON CONFLICT (officer_id, ring_fenced_from) DO UPDATE SET lifted_on = $4""",
        p.officer_id, p.ring_fenced_from, p.borough, p.lifted_on,
    )  # fmt: skip
