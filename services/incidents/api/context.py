"""The incidents service's typed context and what every endpoint needs from it."""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Annotated, Any, TypeVar
from uuid import UUID

from fastapi import Depends, Request

from services.incidents.api.scope import Scope, scope_of
from services.incidents.application import IncidentsApplication
from services.incidents.domain.incident import Incident
from services.incidents.domain.incident_rules import POLICE_ROLES
from services.incidents.domain.restricted import (
    UNRESTRICTED,
    Reader,
    RestrictedRecord,
    Unrestricted,
    refusal,
)
from services.incidents.views.deployments import DeploymentsView
from services.incidents.views.disclosures import DisclosuresView, InMemoryDisclosures
from services.runtime.auth import Principal
from services.runtime.clock import Clock, london_day
from services.runtime.domain import Actor, NotFound
from services.runtime.endpoint import context_of
from services.runtime.logs import correlation_id
from services.runtime.record_keys import reveal_record
from services.runtime.routing import in_thread
from services.runtime.views_pg import MemoryView, PostgresView

T = TypeVar("T")
# An evidence item's disposal reference ("to whom it went back") is sealed as its holder_id
# under the item's record key, and shown as the custody chain's to/from and history's ids.
ALIASES = {"to": "holder_id", "from": "holder_id", "to_id": "holder_id", "from_id": "holder_id"}
Row = dict[str, Any]


@dataclass
class IncidentsContext:
    """What the incidents endpoints reach: the store, the deployments view and the clock."""

    application: IncidentsApplication
    deployments: DeploymentsView
    clock: Clock
    # Incidents, searches, arrests and evidence as lists (views/cases.py).
    cases: PostgresView | MemoryView
    # Each pupil's dated steps (views/chronology.py).
    pupils: PostgresView | MemoryView
    # Section 115 requests about pupils, from disclosure's topic (a pupil's chronology).
    disclosures: DisclosuresView = field(default_factory=InMemoryDisclosures)


class Incidents:
    """Per-request access to the service (FastAPI dependency)."""

    def __init__(self, request: Request) -> None:
        context = context_of(request.app, IncidentsContext)
        self.app = context.application
        self.view = context.deployments
        self.cases = context.cases
        self.pupils = context.pupils
        self.disclosures = context.disclosures
        self.clock = context.clock

    async def run(self, func: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """Run a synchronous application call off the event loop."""
        return await in_thread(func, *args, **kwargs)

    async def revealed(self, data: dict[str, Any]) -> dict[str, Any]:
        """``data`` with its sealed personal fields opened (``erased`` once erased)."""
        return await in_thread(reveal_record, self.app.subjects, data, ALIASES)

    async def revealed_all(self, rows: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
        """Each of ``rows`` with its sealed personal fields opened."""
        return await in_thread(lambda: [reveal_record(self.app.subjects, r, ALIASES) for r in rows])

    async def scope(self, principal: Principal) -> Scope:
        """The caller's scope on today's deployments."""
        return await scope_of(principal, self.view, london_day(self.now()))

    async def check_school(
        self, principal: Principal, school_id: str, *, hide: bool = False
    ) -> None:
        """Refuse unless the caller may act for ``school_id`` (``hide``: 404, for reads by id)."""
        (await self.scope(principal)).check(school_id, hide=hide)

    async def check_restricted(self, principal: Principal, incident: Incident) -> None:
        """404, as for a record out of scope, unless the caller may read this restricted one."""
        if refusal(self.restricted(incident), reader_of(principal)) is not None:
            raise NotFound("no such record in the caller's scope")

    async def readable(self, principal: Principal, rows: Iterable[Row]) -> list[Row]:
        """The incident rows the caller may see: restricted ones only to their readers."""
        reader = reader_of(principal)
        seen = []
        for row in rows:
            record: RestrictedRecord = UNRESTRICTED
            if row.get("restricted"):
                record = self.restricted(await self.run(self.app.get_incident, UUID(row["id"])))
            if refusal(record, reader) is None:
                seen.append(row)
        return seen

    def restricted(self, incident: Incident) -> RestrictedRecord:
        """The incident as the restriction rule reads it: the accused's reference opened from
        the incident's record key (``erased`` once shredded)."""
        accused = self.app.subjects.open(incident.accused_staff_ref, "accused_staff_ref")
        return Unrestricted(
            incident.allegation_against_staff,
            accused,
            incident.against_head_teacher,
            list(incident.officers),
            list(incident.consulted),
        )

    async def pseudonym_of(self, subject_ref: str) -> str:
        """How the views key a subject: its pseudonym, or the reference itself if it has none
        (an unknown or erased subject then matches nothing sealed)."""
        row = await self.run(self.app.subjects.table.by_ref, subject_ref)
        return subject_ref if row is None else row.pseudonym

    async def consulted(self, principal: Principal, purpose: str, kind: str, **what: Any) -> None:
        """Log a consultation of personal data (DPA 2018 s62) before the data is answered."""
        await self.run(
            self.app.record_consultation,
            actor=self.actor(principal),
            purpose=purpose,
            record_kind=kind,
            now=self.now(),
            **what,
        )

    async def check_incident(self, principal: Principal, incident: Incident) -> None:
        """404 for an incident outside the caller's scope, one the police may not see yet, or a
        restricted one the caller may not read."""
        await self.check_school(principal, incident.school_id, hide=True)
        if not police_may_see(principal, incident.referred):
            raise NotFound("no such record in the caller's scope")
        await self.check_restricted(principal, incident)

    def now(self) -> datetime:
        """The time a command is handled (commands carry it, so rules are testable)."""
        return self.clock.now()

    @staticmethod
    def actor(principal: Principal) -> Actor:
        """The actor recorded on the events of this request."""
        return principal.actor(correlation_id())


async def incidents(request: Request) -> Incidents:
    """The FastAPI dependency: a coroutine, as FastAPI runs a class or a plain function given
    as a dependency in its thread pool, one hop per request for nothing that blocks."""
    return Incidents(request)


Service = Annotated[Incidents, Depends(incidents)]


def reader_of(principal: Principal) -> Reader:
    """The caller as the restricted-record rule sees them."""
    return Reader(principal.role, principal.sub, principal.staff_ref)


def police_may_see(principal: Principal, referred: bool) -> bool:
    """Only referred incidents reach the police ("at the discretion of the head teacher")."""
    return referred or principal.role not in POLICE_ROLES


def history_of(events: list[Any], hidden: frozenset[str] = frozenset()) -> list[dict[str, Any]]:
    """An aggregate's events for its history endpoint, without ``hidden`` fields."""
    out = []
    for e in events:
        data = {
            k: v
            for k, v in vars(e).items()
            if k
            not in {"originator_id", "originator_version", "timestamp", "actor", "originator_topic"}
            and k not in hidden
        }
        out.append(
            {
                "version": e.originator_version,
                "event": type(e).__qualname__,
                "recorded_at": e.timestamp,
                "actor_id": e.actor.id,
                "actor_role": e.actor.role,
                "data": data,
            }
        )
    return out
