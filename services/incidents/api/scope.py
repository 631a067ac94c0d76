"""Which schools a caller may act for: own school, deployments, borough, or London-wide."""

from dataclasses import dataclass
from datetime import date

from services.incidents.views.deployments import DeploymentsView
from services.runtime.auth import Principal
from services.runtime.domain import Forbidden, NotFound
from services.runtime.scope import BOROUGH, LONDON_WIDE, SCHOOL, scoped_by


@dataclass(frozen=True)
class Scope:
    """The schools a caller may see or act for; None means every school (London-wide roles)."""

    schools: frozenset[str] | None
    rule: str
    why_not: str

    def allows(self, school_id: str) -> bool:
        """Whether ``school_id`` is inside the scope."""
        return self.schools is None or school_id in self.schools

    def check(self, school_id: str, *, hide: bool = False) -> None:
        """Refuse ``school_id`` outside the scope: 404 for a record read by id, else 403."""
        if self.allows(school_id):
            return
        if hide:
            raise NotFound("no such record in the caller's scope")
        raise Forbidden(self.rule, self.why_not.format(school=school_id), "school_id")


async def scope_of(principal: Principal, view: DeploymentsView, day: date) -> Scope:
    """The caller's scope on ``day`` from their token and the deployments view; unknown roles
    get none."""
    if scoped_by(principal.role, SCHOOL):
        return Scope(
            frozenset({str(principal.school)}),
            "outside-scope",
            f"the token is for school {principal.school}, not {{school}}",
        )
    if principal.role == "school_officer":
        deployed = {s for d in await view.active(day, principal.sub) for s in d.school_ids}
        if principal.school:
            deployed &= {principal.school}
        return Scope(
            frozenset(deployed),
            "officer-deployment",
            f"officer {principal.sub} is not deployed to school {{school}} on {day.isoformat()}",
        )
    if scoped_by(principal.role, BOROUGH):
        schools = {
            s for d in await view.every() if d.borough == principal.borough for s in d.school_ids
        }
        return Scope(
            frozenset(schools),
            "outside-scope",
            f"school {{school}} is not known in borough {principal.borough}",
        )
    if principal.role in LONDON_WIDE:
        return Scope(None, "", "")
    # Fails closed: a role this table does not place sees nothing.
    return Scope(frozenset(), "outside-scope", f"a {principal.role} has no school scope here")
