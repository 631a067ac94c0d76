"""Figures as they stood on a past date: a replay up to that day, then the usual queries."""

import uuid
from datetime import date, datetime, time
from typing import Any

from services.reporting.queries import oversight, performance
from services.reporting.queries.abstraction import abstraction_rates
from services.reporting.rebuild import connect
from services.reporting.replay import Progress, Window, replay_into
from services.runtime.clock import LONDON
from services.runtime.settings import ServiceSettings


def term_containing(day: date) -> str:
    """The term name of ``day`` by the platform's convention (autumn Sep-Dec, spring Jan-Mar)."""
    season = "autumn" if day.month >= 9 else "spring" if day.month <= 3 else "summer"
    return f"{day.year}-{season}"


def end_of(day: date) -> datetime:
    """The last moment of ``day`` in London."""
    return datetime.combine(day, time.max, tzinfo=LONDON)


async def figures_as_of(
    settings: ServiceSettings,
    day: date,
    *,
    term: str | None = None,
    keep_schema: bool = False,
    progress: Progress | None = None,
) -> dict[str, Any]:
    """Abstraction, ring-fencing and performance figures from the events recorded by ``day``."""
    term = term or term_containing(day)
    as_of = end_of(day)
    schema = f"asof_{day:%Y%m%d}_{uuid.uuid4().hex[:8]}"
    report = await replay_into(settings, schema, Window(end=as_of), progress=progress)
    conn = await connect(settings, schema)
    try:
        figures = {
            "as_of": day.isoformat(),
            "term": term,
            "events_applied": report.applied,
            "abstraction_london": await abstraction_rates(
                conn, level="london", period="term", period_value=term
            ),
            "abstraction_by_borough": await abstraction_rates(
                conn, level="borough", period="term", period_value=term
            ),
            "incidents_per_1000_pupils": await performance.incident_rates(
                conn, borough=None, term=term
            ),
            "searches": await performance.searches(conn, borough=None, term=term),
            "disclosures": await oversight.disclosures(conn, borough=None, as_of=as_of),
            "value_for_money": await oversight.value_for_money(
                conn, borough=None, term=term, as_of=as_of
            ),
            "schema": schema if keep_schema else None,
        }
        if not keep_schema:
            await conn.execute(f'DROP SCHEMA "{schema}" CASCADE')
        return figures
    finally:
        await conn.close()
