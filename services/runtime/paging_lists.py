"""Paging of lists computed from loaded records (no view table to cut the page in SQL).

A few lists are worked out in memory from records the service loads (an officer's
deployments, the tenures ending, the absences notified to a school) or from a query over a
whole figure table. They page exactly as a view's list does (``paging.py``): ordered by a
time (or date) then an id, the page is the first ``limit`` rows after the cursor, ``since``
keeps rows at or after a time, and the next cursor goes out in the same headers. A row dated
by a day (no time) is kept by ``since`` when its day is on or after the London day of
``since``: a deployment starting today is "since this morning".
"""

from collections.abc import Callable, Iterable
from datetime import date, datetime
from typing import TypeVar

from services.runtime.clock import london_day
from services.runtime.paging import Paged, PageRows, page_of

T = TypeVar("T")
Order = datetime | date | str


def page_list(
    paged: Paged,
    items: Iterable[T],
    order: Callable[[T], Order],
    key: Callable[[T], str],
    kind: str = "date",
    at: Callable[[T], Order] | None = None,
) -> PageRows[T]:
    """The page of ``items`` that ``paged`` asks for, ordered by (``order``, ``key``), with the
    next page's headers set. ``kind`` is the order's SQL type (``date``, ``timestamptz`` or
    ``text``): a cursor whose order is not one is a 422, even on an empty list, as in SQL.
    ``since`` judges each item's ``at`` (its order by default)."""
    page = paged.page
    mark = None if page.after is None else page.after.typed(kind)
    when = at or order
    if page.since is not None:
        since = page.since
        items = [i for i in items if _at_or_after(when(i), since)]
    rows = sorted(((order(i), key(i), i) for i in items), key=lambda r: (r[0], r[1]))
    if page.after is not None:
        after = (mark, page.after.id)
        rows = [r for r in rows if (r[0], r[1]) > after]
    return paged.announce(page_of(rows, page.limit))


def _at_or_after(value: Order, since: datetime) -> bool:
    if isinstance(value, datetime):
        return value >= since
    if isinstance(value, date):
        return value >= london_day(since)
    return True  # a list ordered by name has no time to filter on
