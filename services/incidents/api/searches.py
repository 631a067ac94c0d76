"""Search records: record, read (personal details only to some roles), parents, export."""

import csv
import io
from dataclasses import asdict
from typing import Annotated, Any
from uuid import UUID

from fastapi import Query
from fastapi.responses import PlainTextResponse
from pydantic import BaseModel, Field
from ssp_contracts.events.common import OfficerId, PupilRef, SchoolId
from ssp_contracts.events.incidents import LocationKind, SearchedBy
from ssp_contracts.vocab import (
    AgeRange,
    Gender,
    Legislation,
    ObjectOfSearch,
    OfficerDefinedEthnicity,
    SearchOutcome,
    SelfDefinedEthnicity,
)

from services.incidents.api.context import Service, history_of
from services.incidents.api.export import stop_and_search_rows
from services.incidents.api.powers import check_police_powers
from services.incidents.domain.search import PERSONAL, Search, SearchFacts
from services.incidents.permissions import OFFICER, PERMISSIONS
from services.runtime.auth import Principal, allow
from services.runtime.clock import london_day
from services.runtime.consultations import Purpose
from services.runtime.csvcells import defused
from services.runtime.domain import Forbidden, RuleViolation
from services.runtime.endpoint import Recorded
from services.runtime.inputs import FreeText, Instant, KeyQuery, Text
from services.runtime.paging import Paging
from services.runtime.routing import ServiceRouter
from services.runtime.views_pg import Where

router = ServiceRouter(tags=["searches"])


class RecordSearch(BaseModel):
    """A search record: the officer's (the police form) or school staff's (the school's own)."""

    school_id: SchoolId
    incident_id: UUID | None = Field(default=None, description="Incident, if any")
    searched_by: SearchedBy = Field(
        description="The officer (the police record), or school staff (the school's record)"
    )
    assisting_officer_id: OfficerId | None = Field(
        default=None,
        description="School staff's search: the officer who assisted, if any (an officer"
        " recording is that officer)",
    )
    searched_at: Instant = Field(description="Date and time of the search, with timezone")
    location_kind: LocationKind
    place_description: Text = Field(min_length=1, max_length=500, description="Where exactly")
    latitude: float | None = Field(default=None, ge=49, le=61)
    longitude: float | None = Field(default=None, ge=-9, le=2)
    pupil_ref: PupilRef | None = Field(default=None, description="If the person is a pupil")
    person: FreeText = Field(min_length=1, max_length=500, description="Name, or a description")
    legislation: Legislation
    object_of_search: ObjectOfSearch
    grounds: FreeText = Field(min_length=1, max_length=4000, description="Grounds for the search")
    gender: Gender
    age_range: AgeRange
    self_defined_ethnicity: SelfDefinedEthnicity
    officer_defined_ethnicity: OfficerDefinedEthnicity
    outcome: SearchOutcome
    outcome_linked_to_object_of_search: bool
    removal_of_more_than_outer_clothing: bool
    found: FreeText | None = Field(default=None, max_length=4000, description="What was found")
    injury_or_damage: FreeText | None = Field(default=None, max_length=4000)
    # The police form (MPS Form 5090): required of the officer's own search, absent otherwise.
    form_reference: Text | None = Field(
        default=None, min_length=1, max_length=40, description="Form 5090 reference"
    )
    officer_number: Text | None = Field(
        default=None, min_length=1, max_length=20, description="Collar or warrant number"
    )
    station: Text | None = Field(
        default=None, min_length=1, max_length=100, description="The officer's police station"
    )
    receipt_offered: bool | None = Field(
        default=None, description="Whether the person was offered a receipt (PACE Code A)"
    )

    def facts(self, officer_id: str | None) -> SearchFacts:
        """The facts this record holds, made or assisted by ``officer_id`` (if any)."""
        incident_id = None if self.incident_id is None else str(self.incident_id)
        fields = self.model_dump(exclude={"assisting_officer_id"})
        return SearchFacts(**{**fields, "incident_id": incident_id}, officer_id=officer_id)


class ParentsInformed(BaseModel):
    """When school staff informed the parents."""

    informed_at: Instant


def search_view(s: Search) -> dict[str, Any]:
    """The search without personal details."""
    public = {k: v for k, v in asdict(s.facts).items() if k not in PERSONAL}
    return {
        "id": str(s.id), "version": s.version, **public,
        "recorded_by": s.recorded_by, "parents_informed_at": s.parents_informed_at,
    }  # fmt: skip


@router.post("/searches", status_code=201, response_model=Recorded)
async def record_search(
    body: RecordSearch, principal: Annotated[Principal, allow("record_search")], s: Service
) -> Recorded:
    """Record the officer's search, or school staff's (assisted or not; a PCSO: only these)."""
    await s.check_school(principal, body.school_id)
    if body.incident_id is not None:  # an incident the officer may not see is not there
        await s.check_incident(principal, await s.run(s.app.get_incident, body.incident_id))
    officer_id = searcher(principal, body)
    if body.searched_by == "officer":
        day = london_day(body.searched_at)
        await check_police_powers(principal, s.view, day, "a police search")
    search_id = await s.run(
        s.app.record_search, body.facts(officer_id), now=s.now(), actor=s.actor(principal)
    )
    return Recorded(id=search_id)


def searcher(principal: Principal, body: RecordSearch) -> str | None:
    """The officer of the record: the caller if an officer, else the one who assisted."""
    if principal.role not in OFFICER:
        if body.searched_by == "officer":
            # "Where the SSPO searches a pupil a record of the search will be made on MPS Form
            # 5090": the officer's own search is the police record, and the officer makes it.
            raise Forbidden(
                "police-search-by-officer",
                "the officer's own search is the police record: the officer records it",
                "searched_by",
            )
        return body.assisting_officer_id
    if body.assisting_officer_id not in (None, principal.sub):
        raise RuleViolation(
            "assisting-officer",
            "an officer records the searches they made or assisted, as themselves",
            "assisting_officer_id",
        )
    return principal.sub


@router.get("/searches/export.csv", response_class=PlainTextResponse)
async def export_searches(
    principal: Annotated[Principal, allow("export_searches")],
    s: Service,
    purpose: Purpose,
    since: Annotated[Instant | None, Query(description="Searched at or after")] = None,
    until: Annotated[Instant | None, Query(description="Searched before")] = None,
) -> PlainTextResponse:
    """Police searches in the data.police.uk stop-and-search CSV layout, locations coarsened."""
    scope = await s.scope(principal)
    # School staff's searches are the school's record, never a police stop and search.
    equal = {"kind": "search", "searched_by": "officer"}
    where = Where(equal=equal, within={"school_id": scope.schools}, since=since, until=until)
    rows = await s.cases.select(where)
    await s.consulted(principal, purpose, "searches_export", records=len(rows))
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerows([defused(v) for v in row] for row in stop_and_search_rows(rows))
    return PlainTextResponse(out.getvalue(), media_type="text/csv")


@router.get("/searches")
async def list_searches(
    principal: Annotated[Principal, allow("read_search")],
    s: Service,
    paged: Paging,
    school_id: KeyQuery = None,
    searched_by: Annotated[
        SearchedBy | None, Query(description="The officer's (police) or school staff's")
    ] = None,
) -> list[dict[str, Any]]:
    """Searches in the caller's scope, without personal details, oldest first."""
    scope = await s.scope(principal)
    equal = {"kind": "search"} | ({"school_id": school_id} if school_id is not None else {})
    equal |= {} if searched_by is None else {"searched_by": searched_by}
    where = Where(equal=equal, within={"school_id": scope.schools})
    return await s.revealed_all(paged.announce(await s.cases.select(paged.where(where))))


async def _search(
    s: Service, principal: Principal, search_id: UUID, purpose: Purpose | None = None
) -> Search:
    search = await s.run(s.app.get_search, search_id)
    await s.check_school(principal, search.school_id, hide=True)
    if purpose is not None:  # a read of the record: logged before it is answered (s62)
        what = {"record_id": search.id, "school_id": search.school_id}
        await s.consulted(principal, purpose, "search", subject_ref=search.facts.pupil_ref, **what)
    return search


@router.get("/searches/{search_id}")
async def get_search(
    search_id: UUID,
    principal: Annotated[Principal, allow("read_search")],
    s: Service,
    purpose: Purpose,
) -> dict[str, Any]:
    """A search record without the personal details of the person searched."""
    return await s.revealed(search_view(await _search(s, principal, search_id, purpose)))


@router.get("/searches/{search_id}/person")
async def get_search_person(
    search_id: UUID,
    principal: Annotated[Principal, allow("read_search_person")],
    s: Service,
    purpose: Purpose,
) -> dict[str, Any]:
    """The personal details of a search: who was searched, grounds, what was found."""
    search = await _search(s, principal, search_id, purpose)
    personal = {k: getattr(search.facts, k) for k in sorted(PERSONAL)}
    return await s.revealed({"id": str(search.id), **personal})


@router.get("/searches/{search_id}/history")
async def search_history(
    search_id: UUID,
    principal: Annotated[Principal, allow("read_search")],
    s: Service,
    purpose: Purpose,
) -> list[dict[str, Any]]:
    """Every event of the search; personal details only for roles allowed to see them."""
    await _search(s, principal, search_id, purpose)
    events = await s.run(s.app.history, Search, search_id)
    allowed = principal.role in PERMISSIONS["read_search_person"]
    return await s.revealed_all(history_of(events, frozenset() if allowed else PERSONAL))


@router.post("/searches/{search_id}/parents-informed", response_model=Recorded)
async def inform_parents(
    search_id: UUID,
    body: ParentsInformed,
    principal: Annotated[Principal, allow("inform_parents")],
    s: Service,
) -> Recorded:
    """School staff record that they informed the parents of the pupil searched."""
    await _search(s, principal, search_id)
    await s.run(
        s.app.inform_parents,
        search_id,
        informed_at=body.informed_at,
        now=s.now(),
        actor=s.actor(principal),
    )
    return Recorded(id=search_id)
