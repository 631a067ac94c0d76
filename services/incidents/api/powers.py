"""Powers by rank: a PCSO neither records a police search nor makes an arrest."""

from datetime import date

from services.incidents.views.deployments import DeploymentsView
from services.runtime.auth import Principal
from services.runtime.domain import Forbidden

# Police community support officers have no power of arrest and no PACE search power; the
# searches and arrests they witness are recorded by a constable (or by school staff).
WITHOUT_POLICE_POWERS = frozenset({"pcso"})


async def check_police_powers(
    principal: Principal, view: DeploymentsView, day: date, what: str
) -> None:
    """Refuse ``what`` unless the calling officer's rank (from staffing) carries the power."""
    if principal.role != "school_officer":
        return  # other roles are refused or allowed by the permission table alone
    ranks = {d.rank for d in await view.active(day, principal.sub)}
    if not ranks or None in ranks:
        # Fails closed: without the rank from staffing the power cannot be shown.
        raise Forbidden(
            "rank-unknown",
            f"{what} needs the officer's rank, which staffing has not published for"
            f" {principal.sub}",
            "rank",
        )
    if ranks & WITHOUT_POLICE_POWERS:
        raise Forbidden(
            "pcso-powers", f"a PCSO has no power for {what}; a constable records it", "rank"
        )
