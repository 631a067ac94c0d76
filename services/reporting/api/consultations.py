"""How often personal data was consulted, by kind and purpose, from the audit trail."""

from typing import Annotated, Any

from fastapi import Query

from services.reporting.api.common import Explain, Format
from services.reporting.api.performance import Pool, answer
from services.reporting.queries import consultations
from services.runtime.auth import Principal, allow
from services.runtime.domain import RuleViolation
from services.runtime.inputs import Instant
from services.runtime.routing import ServiceRouter

router = ServiceRouter(tags=["audit"])
Time = Annotated[Instant | None, Query(description="ISO 8601 time with timezone")]


@router.get("/audit/consultations")
async def consulted(
    principal: Annotated[Principal, allow("read_audit")],
    db: Pool,
    since: Time = None,
    until: Time = None,
    format: Format = "json",
    explain: Explain = False,
) -> Any:
    """Consultations per service, record kind (a pupil's chronology among them) and purpose,
    with the records they showed; entries at or after ``since`` and before ``until``."""
    if since is not None and until is not None and since >= until:
        raise RuleViolation("until-after-since", "until: must be later than since", "query.until")
    return await answer(
        db, consultations.consultations, format, "consultations", explain,
        consultations.entries, since=since, until=until,
    )  # fmt: skip
