"""Subjects' rights: every Section 115 request about a reference (right of access)."""

from typing import Annotated, Any

from services.disclosure.api.context import consulted
from services.disclosure.api.queries import App, HistoryEntry, history_entries
from services.disclosure.domain import DisclosureRequest
from services.disclosure.views.register import entry_of_request
from services.runtime.auth import Principal, allow
from services.runtime.endpoint import Now
from services.runtime.routing import ServiceRouter
from services.runtime.sealed import published
from services.runtime.subject_access import SubjectPath, access_document, originators
from services.runtime.subjects import reveal

router = ServiceRouter(tags=["subjects' rights"])


@router.get("/subjects/{subject_ref}/access")
def subject_access(
    subject_ref: SubjectPath,
    principal: Annotated[Principal, allow("subject_access")],
    app: App,
    now: Now,
) -> dict[str, Any]:
    """Every request about the reference, as it stands and with its history (read logged)."""
    records = []
    # Requests keep their subject sealed: match by the subject's pseudonym (or, for requests
    # from before subject keys, by the reference itself).
    known = app.subjects.table.by_ref(subject_ref)
    wanted = {subject_ref} | ({known.pseudonym} if known else set())
    for request_id in originators(app, DisclosureRequest.Submitted):
        request = app.get_request(request_id)
        if published(request.subject_ref) not in wanted:
            continue
        history: list[HistoryEntry] = history_entries(app, request_id)
        records.append(
            {
                "record_kind": "disclosure_request",
                "record_id": str(request_id),
                "record": reveal(app.subjects, entry_of_request(request).model_dump(mode="json")),
                "history": [h.model_dump(mode="json") for h in history],
            }
        )
    consulted(
        app,
        principal,
        "subject_access",
        "subject_access",
        now,
        subject_ref=known.pseudonym if known else None,
        records=len(records),
    )
    return access_document("disclosure", subject_ref, now, records)
