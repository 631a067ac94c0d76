"""The one clock of the platform: time in UTC, days and hours as London keeps them."""

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo

# Schools, rosters and protocol hours follow the wall clock in London, GMT or BST.
LONDON = ZoneInfo("Europe/London")


class Clock(Protocol):
    """Where commands and queries take "now" from, so tests can fix it."""

    def now(self) -> datetime:
        """The current instant, timezone-aware."""
        ...


class SystemClock:
    """The machine's clock."""

    def now(self) -> datetime:
        """The current instant in UTC."""
        return datetime.now(UTC)


@dataclass
class FixedClock:
    """A clock that stands still until a test moves it."""

    at: datetime

    def __post_init__(self) -> None:
        if self.at.tzinfo is None:
            raise ValueError("a fixed clock needs a timezone-aware instant")

    def now(self) -> datetime:
        """The instant the test set."""
        return self.at

    def advance(self, by: timedelta) -> datetime:
        """Move the clock on and return the new instant."""
        self.at += by
        return self.at


def london(
    year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0
) -> datetime:
    """A wall-clock time in London (GMT in winter, BST in summer) as an aware datetime."""
    return datetime(year, month, day, hour, minute, second, tzinfo=LONDON)


def london_day(instant: datetime) -> date:
    """The calendar day in London at ``instant`` (not the UTC day: they differ after 23:00 BST)."""
    return instant.astimezone(LONDON).date()
