"""Shared steps of the abstraction and ring-fencing stories: a small hand-worked borough."""

import uuid
from datetime import date, time
from typing import Any

import asyncpg
from ssp_contracts.events import staffing as s

from services.reporting.projections.abstraction import AbstractionView
from services.reporting.tests.builders import received
from services.runtime.projection import ReceivedEvent

TERM = "2026-autumn"


def roster(officer: str, borough: str, schools: list[str], days: list[int]) -> ReceivedEvent:
    """8-hour shifts on the given days of November 2026."""
    payload = s.RosterGenerated(
        roster_id=_id(f"roster-{officer}"),
        officer_id=officer,
        borough=borough,
        term=TERM,
        school_ids=schools,
        shifts=[s.Shift(date=date(2026, 11, d), start=time(8, 0), hours=8) for d in days],
    )
    return received(payload, actor="sergeant-1", role="borough_supervisor")


def abstracted(
    officer: str,
    borough: str,
    schools: list[str],
    day: int,
    hours: float,
    category: s.AbstractionCategory,
    *,
    ring_fenced: bool = False,
    exceptional: bool = False,
) -> list[ReceivedEvent]:
    """OfficerAbstracted, plus RingFenceBreached when ring-fenced and not exceptional."""
    fields: dict[str, Any] = {
        "abstraction_id": _id(f"abs-{officer}-{day}"),
        "roster_id": _id(f"roster-{officer}"),
        "officer_id": officer,
        "borough": borough,
        "school_ids": schools,
        "term": TERM,
        "shift_date": date(2026, 11, day),
        "hours": hours,
        "category": category,
        "authorised_by": "inspector-1",
    }
    events = [
        received(
            s.OfficerAbstracted(
                **fields,
                rank="constable",
                shift_hours=8,
                exceptional=exceptional,
                ring_fenced=ring_fenced,
                school_notified_at=None,
            ),
            role="borough_supervisor",
        )
    ]
    if ring_fenced and not exceptional:
        breach = s.RingFenceBreached(**fields, ring_fenced_from=date(2026, 9, 1))
        events.append(received(breach, role="borough_supervisor"))
    return events


def ring_fenced(officer: str, borough: str) -> ReceivedEvent:
    """Ring-fenced from the start of the school year."""
    payload = s.OfficerRingFenced(
        officer_id=officer,
        borough=borough,
        ring_fenced_from=date(2026, 9, 1),
        authorised_by="inspector-1",
    )
    return received(payload, subject=officer, role="borough_supervisor")


def lifted(officer: str, borough: str, on: date) -> ReceivedEvent:
    """The ring-fence of ``officer`` ends the day before ``on``."""
    payload = s.RingFenceLifted(
        officer_id=officer,
        borough=borough,
        ring_fenced_from=date(2026, 9, 1),
        lifted_on=on,
        reason="operational_need",
    )
    return received(payload, subject=officer, role="borough_supervisor")


def hackney_and_camden() -> list[ReceivedEvent]:
    """The worked example of test_abstraction_rates.py (see its docstring)."""
    return [
        ring_fenced("officer-a", "Hackney"),
        roster("officer-a", "Hackney", ["S1"], [2, 3, 4, 5, 6]),
        roster("officer-b", "Hackney", ["S1", "S2"], [2, 3]),
        *abstracted("officer-a", "Hackney", ["S1"], 3, 4, "aid_local", ring_fenced=True),
        *abstracted("officer-b", "Hackney", ["S1", "S2"], 2, 8, "court"),
        ring_fenced("officer-c", "Camden"),
        roster("officer-c", "Camden", ["S3"], [2, 9]),
        *abstracted(
            "officer-c",
            "Camden",
            ["S3"],
            9,
            2,
            "mandatory_training",
            ring_fenced=True,
            exceptional=True,
        ),
    ]


async def project(conn: asyncpg.Connection, events: list[ReceivedEvent]) -> None:
    """Apply the events as one runner batch."""
    async with conn.transaction():
        await AbstractionView().apply(conn, events)


def _id(name: str) -> str:
    return str(uuid.uuid5(uuid.NAMESPACE_URL, name))
