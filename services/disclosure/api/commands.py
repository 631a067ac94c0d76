"""HTTP commands: submit, amend, confirm, countersign, decide, correct, release, close, log."""

from typing import Annotated
from uuid import UUID

from fastapi import Depends

from services.disclosure.api import models as m
from services.disclosure.api.context import application, policy
from services.disclosure.api.scope import check_body_of_role
from services.disclosure.application import DisclosureApplication
from services.disclosure.settings import DisclosurePolicy
from services.runtime.auth import Principal, allow, forbid_outside_scope
from services.runtime.clock import london_day
from services.runtime.endpoint import Now, Recorded, business_time
from services.runtime.logs import correlation_id
from services.runtime.routing import ServiceRouter

router = ServiceRouter(tags=["disclosure commands"])
App = Annotated[DisclosureApplication, Depends(application)]
Policy = Annotated[DisclosurePolicy, Depends(policy)]


@router.post("/requests", status_code=201, response_model=Recorded)
def submit_request(
    body: m.SubmitRequest,
    principal: Annotated[Principal, allow("submit_request")],
    app: App,
    pol: Policy,
    now: Now,
) -> Recorded:
    """Submit a Section 115 request; routine requests carry the whole pro forma."""
    forbid_outside_scope(principal, school=body.school_id, borough=body.borough)
    check_body_of_role(principal, body.requesting_body)
    at = business_time(body.at, now)
    request_id = app.submit_request(
        body.written(pol.retention_review_from(london_day(at))),
        at,
        pol.decision_window,
        pol.confirmation_window,
        principal.actor(correlation_id()),
    )
    return Recorded(id=request_id)


@router.patch("/requests/{request_id}", response_model=Recorded)
def amend_request(
    request_id: UUID,
    body: m.ProForma,
    principal: Annotated[Principal, allow("amend_request")],
    app: App,
    now: Now,
) -> Recorded:
    """Change the written request before the decision; voids any countersignature."""
    changes = body.model_dump(exclude_unset=True, exclude={"at"})
    at = business_time(body.at, now)
    app.amend_request(request_id, changes, at, principal.actor(correlation_id()))
    return Recorded(id=request_id)


@router.post("/requests/{request_id}/written-confirmation", response_model=Recorded)
def confirm_in_writing(
    request_id: UUID,
    body: m.ProForma,
    principal: Annotated[Principal, allow("confirm_in_writing")],
    app: App,
    now: Now,
) -> Recorded:
    """Confirm an urgent request in writing by completing its pro forma."""
    changes = body.model_dump(exclude_unset=True, exclude={"at"})
    at = business_time(body.at, now)
    app.confirm_in_writing(request_id, changes, at, principal.actor(correlation_id()))
    return Recorded(id=request_id)


@router.post("/requests/{request_id}/countersignature", response_model=Recorded)
def countersign_request(
    request_id: UUID,
    body: m.Countersign,
    principal: Annotated[Principal, allow("countersign_request")],
    app: App,
    now: Now,
) -> Recorded:
    """The head teacher of the pupil's school signs the request as read."""
    at = business_time(body.at, now)
    app.countersign(request_id, body.content_hash, at, principal.actor(correlation_id()))
    return Recorded(id=request_id)


@router.post("/requests/{request_id}/decision", status_code=201, response_model=m.DecisionRecorded)
def decide_request(
    request_id: UUID,
    body: m.Decide,
    principal: Annotated[Principal, allow("decide_request")],
    app: App,
    now: Now,
) -> m.DecisionRecorded:
    """Disclose in full, in part, or refuse, with reasoning; never edited afterwards."""
    at = business_time(body.at, now)
    decision_id = app.decide(request_id, body.decision(), at, principal.actor(correlation_id()))
    return m.DecisionRecorded(id=request_id, decision_id=decision_id)


@router.post(
    "/requests/{request_id}/decision-corrections",
    status_code=201,
    response_model=m.DecisionRecorded,
)
def correct_decision(
    request_id: UUID,
    body: m.CorrectDecision,
    principal: Annotated[Principal, allow("correct_decision")],
    app: App,
    now: Now,
) -> m.DecisionRecorded:
    """Record a new decision that corrects, and references, the standing one."""
    decision_id = app.correct_decision(
        request_id,
        body.corrects,
        body.decision(),
        body.correction_reason,
        business_time(body.at, now),
        principal.actor(correlation_id()),
    )
    return m.DecisionRecorded(id=request_id, decision_id=decision_id)


@router.post("/requests/{request_id}/release", status_code=201, response_model=Recorded)
def record_release(
    request_id: UUID,
    body: m.RecordRelease,
    principal: Annotated[Principal, allow("record_release")],
    app: App,
    now: Now,
) -> Recorded:
    """Record what was released, to whom, when, how and by whom."""
    app.record_release(request_id, body.model_dump(), now, principal.actor(correlation_id()))
    return Recorded(id=request_id)


@router.post("/requests/{request_id}/closure", response_model=Recorded)
def close_request(
    request_id: UUID,
    body: m.CloseRequest,
    principal: Annotated[Principal, allow("close_request")],
    app: App,
    pol: Policy,
    now: Now,
) -> Recorded:
    """Close a finished request with its retention review date."""
    at = business_time(body.at, now)
    review = body.retention_review_on or pol.retention_review_from(london_day(at))
    app.close_request(request_id, review, at, principal.actor(correlation_id()))
    return Recorded(id=request_id)


@router.post("/exchanges", status_code=201, response_model=Recorded)
def log_exchange(
    body: m.LogExchange,
    principal: Annotated[Principal, allow("log_exchange")],
    app: App,
    now: Now,
) -> Recorded:
    """Log an exchange of non-personal information for planning or problem solving."""
    forbid_outside_scope(principal, school=body.school_id, borough=body.borough)
    exchange_id = app.log_exchange(body.model_dump(), now, principal.actor(correlation_id()))
    return Recorded(id=exchange_id)
