"""An incident's free text, sealed under the incident's own record key (runtime/record_keys.py).

Descriptions, notes and justifications may name any pupil of the incident, a member of staff
or anyone else: erasing any pupil the incident names, or the incident's retention running out,
shreds them, while the other pupils' own sealed references stay readable.
"""

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from ssp_contracts.events.incidents import PoliceActionKind
from ssp_contracts.vocab import SERIOUS_CATEGORIES

from services.incidents.domain.incident import Incident
from services.runtime.domain import Actor, ServiceApplication


def retention_kind(category: str, serious: bool = False) -> str:
    """The retention schedule's kind for an incident (and its evidence)."""
    return "serious_incident" if serious or category in SERIOUS_CATEGORIES else "incident"


def incident_text(
    app: ServiceApplication,
    incident: Incident,
    values: dict[str, str | None],
    names: Iterable[str] = (),
) -> dict[str, Any]:
    """``values`` sealed as fields of ``incident``, linked to its pupils (and ``names``)."""
    return app.records.seal(
        incident.id,
        values,
        names=[*incident.pupil_refs, *names],
        retention=(retention_kind(incident.category, incident.serious), incident.occurred_at),
    )


def police_action(
    app: ServiceApplication,
    incident: Incident,
    action: PoliceActionKind,
    taken_at: datetime,
    justification: str | None,
    now: datetime,
    actor: Actor,
    names: Iterable[str] = (),
) -> None:
    """Record a police action whose justification is judged in clear, then stored sealed."""
    incident.check_open()
    incident.check_follow_up_time(taken_at, now, "taken_at")
    clear = incident.check_police_action_allowed(justification)
    sealed = incident_text(app, incident, {"justification": clear}, names)["justification"]
    incident.record_police_action(action, taken_at, sealed, now, actor)
