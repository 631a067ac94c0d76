"""Lists across records (outstanding actions, exports): a table folded from the notification log.

The runtime's view runner keeps ``view_incident_cases`` up to date in the service's database
(in memory for the fast tests). Rows hold pseudonymous references, categories and times; the
personal details of a search (who, why, what was found) stay in the encrypted store, and its
exact coordinates are kept only encrypted under the store's key.
"""

from ssp_contracts.vocab import SERIOUS_CATEGORIES

from services.incidents.domain.arrest import Arrest
from services.incidents.domain.evidence import EvidenceItem
from services.incidents.domain.handoff import HandOff
from services.incidents.domain.incident import Incident
from services.incidents.domain.incident_rules import referred_on_report
from services.incidents.domain.safeguarding import SafeguardingReferral
from services.incidents.domain.search import PUBLIC, Search
from services.runtime.dispatch import Handlers
from services.runtime.views_pg import LogView, Rows, ViewFold

FOLDS: Handlers[ViewFold] = Handlers()

# Listings filter by kind and school and order by time; the rest of a row is in ``data``.
CASES = LogView(
    name="incidents.cases",
    table="view_incident_cases",
    columns=(("kind", "text NOT NULL"), ("school_id", "text"), ("at", "timestamptz NOT NULL")),
    indexes=(("kind", "school_id", "at"), ("kind", "at")),
    handlers=FOLDS,
    # Where exactly a pupil was searched: encrypted in the table, shown by the listing.
    sealed=frozenset({"latitude", "longitude"}),
)


@FOLDS.on(Incident.Reported)
def _reported(rows: Rows, e: Incident.Reported) -> None:
    rows.put(
        e.originator_id, kind="incident", id=str(e.originator_id), school_id=e.school_id,
        at=e.occurred_at, category=e.category, serious=e.category in SERIOUS_CATEGORIES,
        serious_find=None, outside_protocol_hours=e.outside_protocol_hours,
        head_teacher_notified_at=None, actions_awaiting_review=None,
        referred=referred_on_report(e.category, e.actor.role),
        handed_off_at=None, closed_at=None, outcome=None,
        restricted=e.allegation_against_staff,
    )  # fmt: skip


@FOLDS.on(Incident.HeadTeacherNotified)
def _notified(rows: Rows, e: Incident.HeadTeacherNotified) -> None:
    rows.update(e.originator_id, head_teacher_notified_at=e.notified_at)


@FOLDS.on(HandOff.Made)
def _handed_off(rows: Rows, e: HandOff.Made) -> None:
    rows.update(e.incident_id, handed_off_at=e.handed_at)


@FOLDS.on(Incident.Referred)
def _referred(rows: Rows, e: Incident.Referred) -> None:
    rows.update(e.originator_id, referred=True)


@FOLDS.on(Incident.BecameSerious)
def _became_serious(rows: Rows, e: Incident.BecameSerious) -> None:
    rows.update(e.originator_id, serious=True, serious_find=e.find)


@FOLDS.on(Incident.PoliceActionRecorded)
def _acted(rows: Rows, e: Incident.PoliceActionRecorded) -> None:
    if e.supervisor_review:
        # A row holds values, not counters: the count as the record stood after this event.
        incident = rows.app.repository.get(e.originator_id, version=e.originator_version)
        rows.update(e.originator_id, actions_awaiting_review=incident.awaiting_review)


@FOLDS.on(Incident.PoliceActionsReviewed)
def _reviewed(rows: Rows, e: Incident.PoliceActionsReviewed) -> None:
    # None, not 0: the awaiting-review list is the rows where it is set (an indexed null test).
    rows.update(e.originator_id, actions_awaiting_review=None)


@FOLDS.on(Arrest.HeadTeacherInformed)
def _informed(rows: Rows, e: Arrest.HeadTeacherInformed) -> None:
    rows.update(e.originator_id, head_teacher_notified_at=e.informed_at)


@FOLDS.on(Incident.Closed)
def _closed(rows: Rows, e: Incident.Closed) -> None:
    rows.update(e.originator_id, closed_at=e.closed_at, outcome=e.outcome)


@FOLDS.on(Search.Recorded)
def _searched(rows: Rows, e: Search.Recorded) -> None:
    public = {f: getattr(e, f) for f in PUBLIC}
    rows.put(
        e.originator_id, kind="search", id=str(e.originator_id), at=e.searched_at,
        parents_informed_at=None, **public,
    )  # fmt: skip


@FOLDS.on(Search.ParentsInformed)
def _parents(rows: Rows, e: Search.ParentsInformed) -> None:
    rows.update(e.originator_id, parents_informed_at=e.informed_at)


@FOLDS.on(Arrest.Made)
def _arrested(rows: Rows, e: Arrest.Made) -> None:
    rows.put(
        e.originator_id, kind="arrest", id=str(e.originator_id), school_id=e.school_id,
        at=e.arrested_at, incident_id=e.incident_id, pupil_ref=e.pupil_ref,
        on_premises=e.on_premises, head_teacher_notified_at=None,
    )  # fmt: skip


@FOLDS.on(EvidenceItem.Seized)
def _seized(rows: Rows, e: EvidenceItem.Seized) -> None:
    rows.put(
        e.originator_id, kind="evidence", id=str(e.originator_id), school_id=e.school_id,
        at=e.seized_at, incident_id=e.incident_id, holder=e.holder, item_kind=e.kind,
        moved_at=e.seized_at,
    )  # fmt: skip


@FOLDS.on(EvidenceItem.Transferred)
def _transferred(rows: Rows, e: EvidenceItem.Transferred) -> None:
    rows.update(e.originator_id, holder=e.to_holder, moved_at=e.transferred_at)


@FOLDS.on(SafeguardingReferral.Made)
def _safeguarding(rows: Rows, e: SafeguardingReferral.Made) -> None:
    rows.put(
        e.originator_id, kind="safeguarding", id=str(e.originator_id), school_id=e.school_id,
        at=e.referred_at, source=e.source, source_id=e.source_id, pupil_ref=e.pupil_ref,
        concern=e.concern, outcome=None, follow_up_due=e.follow_up_due, closed_at=None,
    )  # fmt: skip


@FOLDS.on(SafeguardingReferral.OutcomeRecorded)
def _safeguarding_outcome(rows: Rows, e: SafeguardingReferral.OutcomeRecorded) -> None:
    rows.update(e.originator_id, outcome=e.outcome, follow_up_due=e.follow_up_due)


@FOLDS.on(SafeguardingReferral.Closed)
def _safeguarding_closed(rows: Rows, e: SafeguardingReferral.Closed) -> None:
    rows.update(e.originator_id, closed_at=e.closed_at, follow_up_due=None)
