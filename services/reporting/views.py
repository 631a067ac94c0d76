"""Every read model of the reporting service, buildable without the HTTP app.

The projection runners of the service, the rebuild tool and the auditor's replay all
build their projections here, so a read model rebuilt "as it stood at time T" is made
by exactly the code that keeps the live one.
"""

from collections.abc import Sequence

from services.reporting.projections.abstraction import AbstractionView
from services.reporting.projections.activities import ActivitiesView
from services.reporting.projections.audit import AuditTrail
from services.reporting.projections.context import ContextView
from services.reporting.projections.disclosures import DisclosuresView
from services.reporting.projections.incidents import IncidentsView
from services.runtime.projection import Connection, Projection, ReceivedEvent

# Runner name -> the projections it applies in one transaction per batch.
AUDIT_RUNNER = "reporting.audit"
VIEWS_RUNNER = "reporting.views"


def runner_specs(role: str = "all") -> list[tuple[str, Sequence[Projection]]]:
    """Fresh projection instances, grouped by the runner that keeps them (``role``: which of
    the runners one reporting process runs, ``ReportingSettings.role``)."""
    views: list[Projection] = [
        AbstractionView(),
        ContextView(),
        IncidentsView(),
        ActivitiesView(),
        DisclosuresView(),
    ]
    specs: list[tuple[str, Sequence[Projection]]] = []
    if role in ("all", "audit"):
        specs.append((AUDIT_RUNNER, [AuditTrail()]))
    if views and role in ("all", "views"):
        specs.append((VIEWS_RUNNER, views))
    return specs


def all_projections() -> list[Projection]:
    """Every reporting projection, audit trail first."""
    return [p for _, projections in runner_specs() for p in projections]


async def create_all_tables(conn: Connection, projections: Sequence[Projection]) -> None:
    """Create the tables of ``projections`` in the connection's schema (search_path)."""
    for projection in projections:
        await projection.create_tables(conn)


async def apply_events(
    conn: Connection, projections: Sequence[Projection], events: Sequence[ReceivedEvent]
) -> None:
    """Apply a batch of events, in order, to each projection that reads their topics.

    Untracked: for hand-worked tests. Pipelines go through ``runtime.projection.apply_tracked``.
    """
    for projection in projections:
        mine = [e for e in events if e.topic in projection.topics]
        if mine:
            await projection.apply(conn, mine)
