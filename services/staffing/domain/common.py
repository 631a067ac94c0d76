"""Identities, calendar arithmetic and stored-value codecs shared by the staffing aggregates."""

import uuid
from datetime import date

# Natural keys (school id, officer id, borough and term) map to stable aggregate ids.
NAMESPACE = uuid.UUID("0b6f7c1e-2d5a-4c1b-9a57-4b1f3e2f8a10")


def natural_id(kind: str, *parts: str) -> uuid.UUID:
    """The aggregate id of the ``kind`` record known by ``parts``."""
    return uuid.uuid5(NAMESPACE, ":".join((kind, *parts)))


def add_years(day: date, years: int) -> date:
    """``day`` moved on by whole years; 29 February becomes 28 February."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def add_months(day: date, months: int) -> date:
    """``day`` moved on by whole months, clamped to the end of a shorter month."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise AssertionError("unreachable")
