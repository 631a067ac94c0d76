"""What every reporting query shares: the pool, CSV answers and borough scope."""

import csv
import io
import json
from collections.abc import Mapping, Sequence
from typing import Annotated, Any, Literal

import asyncpg
from fastapi import HTTPException, Query, Request, Response

from services.runtime.auth import Principal, forbid_outside_scope
from services.runtime.csvcells import defused
from services.runtime.domain import RuleViolation
from services.runtime.scope import BOROUGH, claim_refusal, scoped_by

Format = Annotated[Literal["json", "csv"], Query(description="json (default) or csv")]
Explain = Annotated[
    bool, Query(description="1: answer the figures with the input rows (event ids) behind them")
]


async def pool(request: Request) -> asyncpg.Pool:
    """The service's asyncpg pool (503 when the service runs without a database)."""
    found: asyncpg.Pool | None = request.app.state.ssp.pool
    if found is None:
        raise HTTPException(503, "reporting database not available (in-memory mode)")
    return found


def borough_scope(principal: Principal, borough: str | None) -> str | None:
    """The borough a query is limited to: a borough-scoped caller sees only their own."""
    if principal.borough is None:
        if scoped_by(principal.role, BOROUGH):
            raise claim_refusal(principal.role, BOROUGH)
        return borough
    forbid_outside_scope(principal, borough=borough)
    return principal.borough


def check_explain(format: str) -> None:
    """The inputs behind a figure are nested rows: they come as JSON only."""
    if format != "json":
        raise RuleViolation(
            "explain-json-only", "explain=1 answers JSON; drop format=csv", "format"
        )


def csv_response(rows: Sequence[Mapping[str, Any]], columns: Sequence[str], name: str) -> Response:
    """Rows as a CSV download with a header line."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([_cell(row.get(c)) for c in columns])
    return Response(
        buffer.getvalue(),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}.csv"'},
    )


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, dict | list):
        return json.dumps(value, sort_keys=True, separators=(",", ":"))
    return defused(value)
