"""Which schools a caller may act for: own school, deployments, or borough."""

from dataclasses import dataclass
from datetime import UTC, date, datetime

from fastapi import HTTPException

from services.incidents.deployments import DeploymentsView
from services.runtime.auth import Principal

SCHOOL_ROLES = {"school_staff", "head_teacher"}


@dataclass(frozen=True)
class Scope:
    """The schools a caller may see or act for; None means every school."""

    schools: frozenset[str] | None
    why_not: str

    def allows(self, school_id: str) -> bool:
        """Whether ``school_id`` is inside the scope."""
        return self.schools is None or school_id in self.schools

    def check(self, school_id: str) -> None:
        """403 naming the rule when ``school_id`` is outside the scope."""
        if not self.allows(school_id):
            raise HTTPException(403, self.why_not.format(school=school_id))


def today() -> date:
    """Today's date (deployments are dated)."""
    return datetime.now(UTC).date()


async def scope_of(principal: Principal, view: DeploymentsView) -> Scope:
    """The caller's scope from their token and the deployments view."""
    if principal.role in SCHOOL_ROLES:
        if not principal.school:
            raise HTTPException(403, f"scope: a {principal.role} token must name its school")
        return Scope(
            frozenset({principal.school}),
            f"scope: token is for school {principal.school}, not {{school}}",
        )
    if principal.role == "school_officer":
        day = today()
        deployed = {s for d in await view.active(day, principal.sub) for s in d.school_ids}
        if principal.school:
            deployed &= {principal.school}
        return Scope(
            frozenset(deployed),
            f"officer-deployment: officer {principal.sub} is not deployed to school {{school}}"
            f" on {day.isoformat()}",
        )
    if principal.borough:
        schools = {
            s for d in await view.every() if d.borough == principal.borough for s in d.school_ids
        }
        return Scope(
            frozenset(schools),
            f"scope: school {{school}} is not known in borough {principal.borough}",
        )
    return Scope(None, "")
