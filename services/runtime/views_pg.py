"""Query sides as tables: rows folded from a service's own notification log, read by SQL.

A view is one table: ``id`` (text, the primary key), a few indexed columns for what its
queries filter and order on (kind, school, borough, time), and ``data`` (jsonb) with every
field of the row as the API shows it. Fold handlers (one per event type, a ``dispatch.Handlers``
table) say which row an event puts or which fields it sets; ``view_runner.ViewRunner`` applies
them in PostgreSQL at a tracked position, and ``MemoryView`` applies them in memory for the
fast tests, so both answer the same ``Where`` alike.
"""

import base64
import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from eventsourcing.application import Application
from eventsourcing.utils import get_topic
from pydantic_core import to_jsonable_python

from services.runtime.dispatch import Handlers
from services.runtime.follower import LogFollower
from services.runtime.paging import After, PageRows, page_of

Row = dict[str, Any]
# A view's fold handler: the rows it writes to and one domain event.
ViewFold = Callable[["Rows", Any], None]

POSITION_DDL = """
CREATE TABLE IF NOT EXISTS ssp_view_position (
    view text PRIMARY KEY,
    position bigint NOT NULL DEFAULT 0,
    updated_at timestamptz NOT NULL DEFAULT now()
)"""


@dataclass(frozen=True)
class LogView:
    """One view: its table, indexed columns (name, SQL type), indexes and fold handlers."""

    name: str
    table: str
    columns: tuple[tuple[str, str], ...]
    indexes: tuple[tuple[str, ...], ...]
    handlers: Handlers[ViewFold]
    # The column rows are listed by, oldest first (ties by id).
    order: str = "at"
    # Fields that may hold personal details: kept only encrypted (``seal``), never filtered on.
    sealed: frozenset[str] = frozenset()

    def ddl(self) -> str:
        """CREATE TABLE and its indexes (idempotent), for the migration role."""
        cols = "".join(f", {name} {kind}" for name, kind in self.columns)
        statements = [
            f"CREATE TABLE IF NOT EXISTS {self.table} (id text PRIMARY KEY{cols},"
            " data jsonb NOT NULL DEFAULT '{}'::jsonb)"
        ]
        for index in self.indexes:
            statements.append(
                f"CREATE INDEX IF NOT EXISTS {self.table}_{'_'.join(index)}"
                f" ON {self.table} ({', '.join(index)})"
            )
        return ";\n".join(statements)

    def topics(self) -> list[str]:
        """The stored-event topics the view folds (the only ones read from the log)."""
        return [get_topic(t) for t in self.handlers.types()]

    def column_names(self) -> frozenset[str]:
        """The indexed columns beside ``id`` and ``data``."""
        return frozenset(name for name, _ in self.columns)


def jsonable(value: Any) -> Any:
    """``value`` as the API shows it in JSON (datetimes in ISO form, UUIDs as strings)."""
    return to_jsonable_python(value)


SEALED = "sealed"


def seal(view: LogView, fields: dict[str, Any], cipher: Any) -> dict[str, Any]:
    """``fields`` with the view's sealed ones encrypted together into one ``sealed`` field."""
    personal = {k: jsonable(fields[k]) for k in view.sealed if k in fields}
    if not personal or cipher is None:
        return fields
    secret = cipher.encrypt(json.dumps(personal).encode())
    kept = {k: v for k, v in fields.items() if k not in personal}
    return {**kept, SEALED: base64.b64encode(secret).decode()}


def unseal(data: Row, cipher: Any) -> Row:
    """A stored row's data with its sealed fields decrypted back in place."""
    secret = data.pop(SEALED, None)
    if secret is not None:
        data.update(json.loads(cipher.decrypt(base64.b64decode(secret))))
    return data


class Rows:
    """What fold handlers write: ``put`` a whole row, or ``update`` some fields of one.

    ``app`` is the service's application, for a handler whose row is a record as it stood
    at the event (``app.repository.get(id, version=...)``).
    """

    def __init__(self, app: Any = None) -> None:
        self.app = app
        self.ops: list[tuple[str, str, dict[str, Any]]] = []

    def put(self, row_id: object, **fields: Any) -> None:
        """Insert (or replace) the row ``row_id`` with ``fields``."""
        self.ops.append(("put", str(row_id), fields))

    def update(self, row_id: object, **fields: Any) -> None:
        """Set ``fields`` of the row ``row_id`` (a row never put is left alone)."""
        self.ops.append(("update", str(row_id), fields))


@dataclass(frozen=True)
class Where:
    """A listing's filter, answered alike by SQL and in memory.

    ``equal`` and ``within`` name indexed columns or fields of ``data``; ``within`` with None
    means any value (a London-wide scope); ``null``/``not_null`` name fields of ``data``.
    ``after`` and ``limit`` bound a page (``paging``): rows after that (order, id), at most
    ``limit`` of them.
    """

    equal: Mapping[str, Any] = field(default_factory=dict)
    within: Mapping[str, Iterable[str] | None] = field(default_factory=dict)
    null: tuple[str, ...] = ()
    not_null: tuple[str, ...] = ()
    since: datetime | None = None
    until: datetime | None = None
    after: After | None = None
    limit: int | None = None

    def sql(self, view: LogView) -> tuple[str, list[Any]]:
        """(WHERE clause, arguments) over ``view``'s table."""
        clauses, args = ["true"], []
        columns = view.column_names()
        for name, value in self.equal.items():
            args.append(value if name in columns else json.dumps(jsonable(value)))
            clauses.append(
                f"{name} = ${len(args)}" if name in columns else f"data->'{name}' = ${len(args)}"
            )
        for name, values in self.within.items():
            if values is not None:
                args.append(sorted(values))
                target = name if name in columns else f"data->>'{name}'"
                clauses.append(f"{target} = ANY(${len(args)}::text[])")
        clauses += [f"data->>'{name}' IS NULL" for name in self.null]
        clauses += [f"data->>'{name}' IS NOT NULL" for name in self.not_null]
        if self.since is not None:
            args.append(self.since)
            clauses.append(f"{view.order} >= ${len(args)}")
        if self.until is not None:
            args.append(self.until)
            clauses.append(f"{view.order} < ${len(args)}")
        if self.after is not None:
            clauses.append(self._after_sql(view, args))
        return " AND ".join(clauses), args

    def _after_sql(self, view: LogView, args: list[Any]) -> str:
        assert self.after is not None
        if view.order == "id":
            args.append(str(self.after.order))
            return f"id > ${len(args)}"
        kind = self.check_after(view)
        # Sent as text and cast in SQL, so one cursor serves timestamptz, date and text orders.
        args += [str(self.after.order), self.after.id]
        return f"({view.order}, id) > (${len(args) - 1}::text::{kind}, ${len(args)})"

    def check_after(self, view: LogView) -> str:
        """The SQL type of the view's order; a forged cursor is refused here (422), not by SQL."""
        kind = "text" if view.order == "id" else dict(view.columns)[view.order].split()[0]
        if self.after is not None:
            self.after.typed(kind)
        return kind

    def tail(self, view: LogView) -> str:
        """ORDER BY and, on a page, LIMIT (one row more, to tell whether another page follows)."""
        limit = "" if self.limit is None else f" LIMIT {int(self.limit) + 1}"
        return f" ORDER BY {view.order}, id{limit}"

    def past(self, order: Any, row_id: str) -> bool:
        """Whether an in-memory row (its order value and id) lies after the page's cursor."""
        if self.after is None:
            return True
        if order is None:
            return False
        return (order, row_id) > (self.after.key_like(order), self.after.id)

    def matches(self, stored: Row) -> bool:
        """Whether an in-memory row (columns and ``data``) satisfies the filter."""
        data = stored["data"]

        def value(name: str) -> Any:
            return stored[name] if name in stored else data.get(name)

        for name, wanted in self.equal.items():
            if name in stored:
                if stored[name] != wanted:
                    return False
            elif data.get(name) != jsonable(wanted):
                return False
        for name, values in self.within.items():
            if values is not None and value(name) not in set(values):
                return False
        if any(data.get(n) is not None for n in self.null):
            return False
        if any(data.get(n) is None for n in self.not_null):
            return False
        at = stored.get("_order")
        if self.since is not None and (at is None or at < self.since):
            return False
        return not (self.until is not None and (at is None or at >= self.until))


class MemoryView:
    """The same view in process memory, folded on read (fast tests on in-memory stores)."""

    def __init__(self, app: Application, view: LogView) -> None:
        self.view = view
        self.rows: dict[str, Row] = {}
        self.writer = Rows(app)
        # The follower hands each event to the handler with ``self.writer``; ops apply at once.
        self.follower = LogFollower(app, self.writer, view.handlers)

    def _catch_up(self) -> None:
        self.follower.catch_up()
        for op, row_id, fields in self.writer.ops:
            self.apply(op, row_id, fields)
        self.writer.ops.clear()

    def apply(self, op: str, row_id: str, fields: dict[str, Any]) -> None:
        """Apply one ``put`` or ``update`` as the SQL runner does."""
        if op == "put":
            self.rows[row_id] = {"data": {}}
        stored = self.rows.get(row_id)
        if stored is None:
            return
        for name, value in fields.items():
            if name in self.view.column_names():
                stored[name] = value
            stored["data"][name] = jsonable(value)
        stored["_order"] = row_id if self.view.order == "id" else stored.get(self.view.order)

    def matching(self, where: Where = Where()) -> PageRows[Row]:
        """Rows that satisfy ``where``, oldest first (synchronous, for the application)."""
        where.check_after(self.view)
        with self.follower.lock:
            self._catch_up()
            found = [
                (r["_order"], i, dict(r["data"]))
                for i, r in self.rows.items()
                if where.matches(r) and where.past(r["_order"], i)
            ]
        return page_of(sorted(found, key=lambda f: (f[0], f[1])), where.limit)

    async def select(self, where: Where = Where()) -> PageRows[Row]:
        """Rows that satisfy ``where``, oldest first."""
        return self.matching(where)


class PostgresView:
    """The view's table in the service's database, read with indexed SQL."""

    def __init__(self, pool: Any, view: LogView, cipher: Any = None) -> None:
        self.pool = pool
        self.view = view
        self.cipher = cipher  # the store's, to open sealed fields

    async def select(self, where: Where = Where()) -> PageRows[Row]:
        """Rows that satisfy ``where``, oldest first."""
        clause, args = where.sql(self.view)
        rows = await self.pool.fetch(
            f"SELECT id, {self.view.order} AS _order, data FROM {self.view.table}"
            f" WHERE {clause}{where.tail(self.view)}",
            *args,
        )
        found = [(r["_order"], r["id"], unseal(json.loads(r["data"]), self.cipher)) for r in rows]
        return page_of(found, where.limit)
