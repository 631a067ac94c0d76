"""Officers' rostered shifts, from staffing's roster events, beside the deployments view.

Staffing publishes each roster when it is generated and each shift as it is amended or
cancelled; the deployments projection keeps them in ``officer_shifts`` (one row per officer
and day) so ``GET /me/today`` can say when the officer is on. Rosters published before this
table existed are known again once staffing publishes them (a regenerated or amended roster).
"""

from dataclasses import dataclass
from datetime import date, time
from typing import Any

from ssp_contracts.events.staffing import RosterGenerated, ShiftAmended, ShiftCancelled

DDL = """
CREATE TABLE IF NOT EXISTS officer_shifts (
    officer_id text NOT NULL,
    day date NOT NULL,
    roster_id text NOT NULL,
    starts time NOT NULL,
    hours real NOT NULL,
    PRIMARY KEY (officer_id, day)
);
CREATE INDEX IF NOT EXISTS officer_shifts_roster ON officer_shifts (roster_id);
"""
ROSTER_EVENTS = (RosterGenerated, ShiftAmended, ShiftCancelled)
RosterEvent = RosterGenerated | ShiftAmended | ShiftCancelled
UPSERT = """INSERT INTO officer_shifts VALUES ($1, $2, $3, $4, $5)
    ON CONFLICT (officer_id, day) DO UPDATE SET roster_id = $3, starts = $4, hours = $5"""


@dataclass(frozen=True)
class RosteredShift:
    """An officer's planned shift on one day (London local start)."""

    day: date
    start: time
    hours: float


async def apply_roster(conn: Any, p: RosterEvent) -> None:
    """Store one roster event: a roster replaces its shifts; a shift is set or removed."""
    if isinstance(p, RosterGenerated):
        await conn.execute("DELETE FROM officer_shifts WHERE roster_id = $1", str(p.roster_id))
        await conn.executemany(
            UPSERT,
            [(p.officer_id, s.date, str(p.roster_id), s.start, s.hours) for s in p.shifts],
        )
    elif isinstance(p, ShiftAmended):
        s = p.shift
        await conn.execute(UPSERT, p.officer_id, s.date, str(p.roster_id), s.start, s.hours)
    else:
        await conn.execute(
            "DELETE FROM officer_shifts WHERE officer_id = $1 AND day = $2", p.officer_id, p.date
        )


async def shift_on(pool: Any, officer_id: str, day: date) -> RosteredShift | None:
    """The officer's shift on ``day``, if one is rostered."""
    row = await pool.fetchrow(
        "SELECT day, starts, hours FROM officer_shifts WHERE officer_id = $1 AND day = $2",
        officer_id,
        day,
    )
    return None if row is None else RosteredShift(row["day"], row["starts"], row["hours"])


class MemoryShifts:
    """The same table in memory, for the fast API tests."""

    def __init__(self) -> None:
        self.rows: dict[tuple[str, date], tuple[str, RosteredShift]] = {}

    def apply(self, p: RosterEvent) -> None:
        """Apply one roster event, as ``apply_roster`` does."""
        if isinstance(p, RosterGenerated):
            self.rows = {k: v for k, v in self.rows.items() if v[0] != str(p.roster_id)}
            for s in p.shifts:
                self.rows[(p.officer_id, s.date)] = (str(p.roster_id), _of(s))
        elif isinstance(p, ShiftAmended):
            self.rows[(p.officer_id, p.shift.date)] = (str(p.roster_id), _of(p.shift))
        else:
            self.rows.pop((p.officer_id, p.date), None)

    def on(self, officer_id: str, day: date) -> RosteredShift | None:
        """The officer's shift on ``day``, if one is rostered."""
        found = self.rows.get((officer_id, day))
        return None if found is None else found[1]


def _of(shift: Any) -> RosteredShift:
    return RosteredShift(shift.date, shift.start, shift.hours)
