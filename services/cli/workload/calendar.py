"""Term dates: which term the demo plays, its half-term and bank holidays, borough INSET days."""

import random
from dataclasses import dataclass, field
from datetime import date, timedelta

SEASONS = ("spring", "summer", "autumn")
MAX_WEEKS = 17  # staffing refuses a term longer than 130 days


@dataclass(frozen=True)
class Holiday:
    """A school holiday inside the term, as staffing's calendar takes it."""

    starts_on: date
    ends_on: date
    kind: str

    def covers(self, day: date) -> bool:
        """Whether ``day`` falls in the holiday."""
        return self.starts_on <= day <= self.ends_on

    def body(self) -> dict[str, str]:
        """The holiday in the calendar command."""
        return {"starts_on": str(self.starts_on), "ends_on": str(self.ends_on), "kind": self.kind}


@dataclass(frozen=True)
class Term:
    """The window of a term the demo plays: ``weeks`` teaching weeks from the first day."""

    name: str
    starts_on: date
    ends_on: date
    holidays: tuple[Holiday, ...] = field(default=())

    def previous(self) -> str:
        """Name of the term before this one."""
        year, season = self.name.split("-")
        index = SEASONS.index(season)
        return f"{year}-{SEASONS[index - 1]}" if index else f"{int(year) - 1}-autumn"


@dataclass(frozen=True)
class BoroughCalendar:
    """One borough's calendar of the term: the London holidays plus its own INSET day."""

    borough: str
    term: Term
    holidays: tuple[Holiday, ...]

    def is_school_day(self, day: date) -> bool:
        """A weekday of the term that is not a holiday (the roster's shifts fall on these)."""
        return (
            self.term.starts_on <= day <= self.term.ends_on
            and day.weekday() < 5
            and not any(h.covers(day) for h in self.holidays)
        )

    def school_days(self) -> list[date]:
        """Every school day of the term, in order."""
        days = (self.term.starts_on + timedelta(n) for n in range(self.term_days))
        return [d for d in days if self.is_school_day(d)]

    @property
    def term_days(self) -> int:
        """Calendar days from the first to the last day of the term."""
        return (self.term.ends_on - self.term.starts_on).days + 1


def _weekday_on_or_after(day: date, weekday: int) -> date:
    return day + timedelta((weekday - day.weekday()) % 7)


def _last_monday(year: int, month: int) -> date:
    last = (date(year + month // 12, month % 12 + 1, 1)) - timedelta(1)
    return last - timedelta(last.weekday())


def _first_weekday(day: date) -> date:
    while day.weekday() >= 5:
        day += timedelta(1)
    return day


def term_window(year: int, season: str, weeks: int) -> Term:
    """``weeks`` teaching weeks of a London term, with the holidays falling inside them."""
    if season == "autumn":
        start = _first_weekday(date(year, 9, 2))
        half = _last_monday(year, 10)
        banks: list[date] = []
    elif season == "spring":
        start = _first_weekday(date(year, 1, 5))
        half = _weekday_on_or_after(date(year, 2, 12), 0)
        banks = []
    else:
        start = _weekday_on_or_after(date(year, 4, 13), 0)
        half = _last_monday(year, 5)
        banks = [_weekday_on_or_after(date(year, 5, 1), 0)]
    half_term = Holiday(half, half + timedelta(4), "half_term")
    monday, taught = start - timedelta(start.weekday()), 0
    while True:
        if monday != half:
            taught += 1
        if taught == weeks:
            break
        monday += timedelta(7)
    end = monday + timedelta(4)
    holidays = [Holiday(d, d, "bank_holiday") for d in banks if start <= d <= end]
    if half <= end:
        holidays.append(half_term)
    return Term(f"{year}-{season}", start, end, tuple(sorted(holidays, key=lambda h: h.starts_on)))


def choose_term(today: date, weeks: int) -> Term:
    """The latest term whose first ``weeks`` teaching weeks ended before today."""
    for year in range(today.year, today.year - 2, -1):
        for season in reversed(SEASONS):
            term = term_window(year, season, weeks)
            if term.ends_on < today - timedelta(1):
                return term
    raise AssertionError("unreachable: a term a year ago always qualifies")


def borough_calendar(rng: random.Random, borough: str, term: Term) -> BoroughCalendar:
    """The term with one INSET day of the borough's own, when the term is long enough."""
    holidays = list(term.holidays)
    candidates = [
        d
        for d in (
            term.starts_on + timedelta(n) for n in range((term.ends_on - term.starts_on).days)
        )
        if d.weekday() < 5 and not any(h.covers(d) for h in holidays)
    ]
    if len(candidates) > 15:
        day = rng.choice(candidates[5:-5])
        holidays.append(Holiday(day, day, "inset_day"))
    return BoroughCalendar(borough, term, tuple(sorted(holidays, key=lambda h: h.starts_on)))
