"""Consultations of personal data (DPA 2018 s62), counted from the audit trail.

Each read of personal data is an event of the service that holds it (``runtime/consultations``)
and reaches reporting's audit trail like any other; these figures count the trail's entries,
so they cannot disagree with it. Only kinds, purposes and counts: never who or about whom.
"""

from typing import Any

from services.runtime.projection import Connection

CONSULTED = "uk.police.ssp.%.personal_data_consulted.v%"
ENTRIES = """
SELECT seq, event_time, split_part(event_type, '.', 4) AS service,
       data->>'record_kind' AS record_kind, data->>'purpose' AS purpose,
       COALESCE((data->>'records')::bigint, 1) AS records
FROM audit_trail
WHERE event_type LIKE $1
  AND ($2::timestamptz IS NULL OR event_time >= $2) AND ($3::timestamptz IS NULL OR event_time < $3)
"""


async def consultations(conn: Connection, **args: Any) -> list[dict[str, Any]]:
    """Per service, kind of record or view and purpose: consultations and records shown."""
    rows = await conn.fetch(
        f"""SELECT service, record_kind, purpose, count(*) AS consultations,
                   sum(records)::bigint AS records_shown
            FROM ({ENTRIES}) e GROUP BY 1, 2, 3 ORDER BY 1, 2, 3""",
        CONSULTED,
        args.get("since"),
        args.get("until"),
    )
    return [dict(r) for r in rows]


async def entries(conn: Connection, **args: Any) -> list[dict[str, Any]]:
    """The trail's entries behind the counts, by seq."""
    rows = await conn.fetch(
        f"{ENTRIES} ORDER BY seq", CONSULTED, args.get("since"), args.get("until")
    )
    return [{**dict(r), "event_time": r["event_time"].isoformat()} for r in rows]
