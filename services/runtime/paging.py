"""Paging of list endpoints: ``limit``, an opaque ``cursor`` and a ``since`` filter, in SQL.

A list is ordered by its view's order column, then id (``views_pg.LogView.order``). A page is
the first ``limit`` rows after the cursor; the cursor is the last row's (order value, id),
so a page is found by index (keyset), not by skipping rows, and rows stored after the cursor
was handed out never shift or repeat the pages already read. The cursor of the next page is
in the ``SSP-Next-Cursor`` response header (and a ``Link`` header with ``rel="next"``); the
JSON body stays the list it always was. No header: the last page.
"""

import base64
import binascii
import json
from dataclasses import dataclass
from datetime import date, datetime
from typing import Annotated, Any, TypeVar

from fastapi import Depends, Query, Request, Response
from pydantic import AfterValidator
from pydantic_core import PydanticCustomError

from services.runtime.domain import RuleViolation
from services.runtime.inputs import Instant

DEFAULT_LIMIT = 100
MAX_LIMIT = 1000
NEXT_HEADER = "SSP-Next-Cursor"
MAX_CURSOR = 512


@dataclass(frozen=True)
class After:
    """Where a page starts: after the row with this order value (as JSON shows it) and id."""

    order: Any
    id: str

    def encode(self) -> str:
        """The cursor as clients see it: opaque, URL-safe."""
        raw = json.dumps([self.order, self.id], separators=(",", ":")).encode()
        return base64.urlsafe_b64encode(raw).decode().rstrip("=")

    def key_like(self, value: Any) -> Any:
        """The order value in the type of ``value`` (a stored row's), to compare in memory."""
        if isinstance(value, datetime):
            return self.typed("timestamptz")
        if isinstance(value, date):
            return self.typed("date")
        return self.order

    def typed(self, kind: str) -> Any:
        """The order value as a ``kind`` (SQL type) value; a cursor of another list is a 422
        (a forged one would otherwise fail in SQL)."""
        try:
            if kind == "timestamptz":
                at = datetime.fromisoformat(str(self.order))
                if at.tzinfo is None:
                    raise ValueError("no offset")
                return at
            if kind == "date":
                return date.fromisoformat(str(self.order))
        except ValueError:
            raise RuleViolation(
                "invalid-cursor", "cursor: is not a cursor of this list", "query.cursor"
            ) from None
        return str(self.order)


def decode_cursor(value: str) -> After:
    """A cursor back to its position; anything not made by ``After.encode`` is refused."""
    try:
        raw = base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))
        order, row_id = json.loads(raw)
        if not isinstance(row_id, str) or not isinstance(order, (str, int, float)):
            raise ValueError("not a cursor")
        return After(order, row_id)
    except (ValueError, TypeError, binascii.Error, UnicodeDecodeError):
        raise PydanticCustomError(
            "invalid-cursor", "is not a cursor this service handed out"
        ) from None


def _check_cursor(value: str | None) -> str | None:
    if value is not None:
        decode_cursor(value)
    return value


@dataclass(frozen=True)
class Page:
    """One page's bounds: how many rows, after which row, and from which time."""

    limit: int = DEFAULT_LIMIT
    after: After | None = None
    since: datetime | None = None


async def paging(
    request: Request,
    response: Response,
    limit: Annotated[
        int, Query(ge=1, le=MAX_LIMIT, description=f"Rows per page (at most {MAX_LIMIT})")
    ] = DEFAULT_LIMIT,
    cursor: Annotated[
        str | None,
        Query(max_length=MAX_CURSOR, description=f"From the {NEXT_HEADER} header of a page"),
        AfterValidator(_check_cursor),
    ] = None,
    since: Annotated[Instant | None, Query(description="Only rows at or after this time")] = None,
) -> "Paged":
    """The FastAPI dependency of every list endpoint."""
    return _paged(request, response, limit, cursor, since)


async def key_paging(
    request: Request,
    response: Response,
    limit: Annotated[
        int, Query(ge=1, le=MAX_LIMIT, description=f"Rows per page (at most {MAX_LIMIT})")
    ] = DEFAULT_LIMIT,
    cursor: Annotated[
        str | None,
        Query(max_length=MAX_CURSOR, description=f"From the {NEXT_HEADER} header of a page"),
        AfterValidator(_check_cursor),
    ] = None,
) -> "Paged":
    """The dependency of a list ordered by id alone (no time to keep rows ``since``)."""
    return _paged(request, response, limit, cursor, None)


def _paged(
    request: Request, response: Response, limit: int, cursor: str | None, since: datetime | None
) -> "Paged":
    after = None if cursor is None else decode_cursor(cursor)
    return Paged(Page(limit, after, since), request, response)


class Paged:
    """A request's page, and where to announce the next one."""

    def __init__(self, page: Page, request: Request, response: Response) -> None:
        self.page = page
        self.request = request
        self.response = response

    def where(self, where: Any) -> Any:
        """``where`` (a ``views_pg.Where``) bounded to this page."""
        given = [t for t in (self.page.since, where.since) if t is not None]
        since = max(given) if given else None
        return type(where)(
            **{**vars(where), "since": since, "after": self.page.after, "limit": self.page.limit}
        )

    def announce(self, rows: "PageRows[T]") -> "PageRows[T]":
        """Set the next page's headers from ``rows`` (a view's answer) and return them."""
        after = rows.next_after
        if after is not None:
            cursor = after.encode()
            url = self.request.url.include_query_params(cursor=cursor)
            self.response.headers[NEXT_HEADER] = cursor
            self.response.headers["Link"] = f'<{url}>; rel="next"'
        return rows


T = TypeVar("T")


class PageRows(list[T]):
    """A page's rows, with where the next page starts (None on the last)."""

    next_after: After | None = None


def page_of(rows: list[tuple[Any, str, T]], limit: int | None) -> "PageRows[T]":
    """The first ``limit`` of (order value, id, row), and the cursor after them if more follow."""
    out: PageRows[T] = PageRows(r for _, _, r in (rows if limit is None else rows[:limit]))
    if limit is not None and len(rows) > limit:
        order, row_id, _ = rows[limit - 1]
        out.next_after = After(_jsonable(order), row_id)
    return out


def _jsonable(value: Any) -> Any:
    return value.isoformat() if isinstance(value, (datetime, date)) else value


Paging = Annotated[Paged, Depends(paging)]
"""A list endpoint's parameter: ``limit``, ``cursor`` and ``since``."""

KeyPaging = Annotated[Paged, Depends(key_paging)]
"""A list by id's parameter: ``limit`` and ``cursor``."""

Since = Annotated[Instant | None, Query(description="Only rows at or after this time")]
"""``since`` alone, for answers that gather several lists (no single cursor fits them)."""
