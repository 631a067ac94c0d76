"""Incidents, searches, arrests, evidence and school indicators: facts for the framework."""

from ssp_contracts.events import incidents as i

from services.runtime.batching import StatementBatch
from services.runtime.dispatch import Handlers
from services.runtime.projection import Apply, Connection, HandledProjection

DDL = """
CREATE TABLE IF NOT EXISTS perf_incidents (
    incident_id text PRIMARY KEY,
    school_id text NOT NULL,
    occurred_at timestamptz,
    category text,
    serious boolean,
    handled_internally boolean NOT NULL DEFAULT false,
    head_notified_at timestamptz,
    closed_at timestamptz,
    outside_protocol_hours boolean
);
CREATE TABLE IF NOT EXISTS perf_searches (
    search_id text PRIMARY KEY,
    school_id text NOT NULL,
    searched_at timestamptz,
    of_pupil boolean,
    outcome text,
    self_defined_ethnicity text,
    officer_defined_ethnicity text,
    linked_to_object boolean,
    parents_informed_at timestamptz
);
-- School staff's own searches: the school's record, counted apart from police searches.
CREATE TABLE IF NOT EXISTS perf_school_searches (
    search_id text PRIMARY KEY,
    school_id text NOT NULL,
    searched_at timestamptz,
    of_pupil boolean,
    outcome text,
    parents_informed_at timestamptz
);
CREATE TABLE IF NOT EXISTS perf_arrests (
    arrest_id text PRIMARY KEY,
    school_id text NOT NULL,
    arrested_at timestamptz,
    on_premises boolean,
    head_informed_at timestamptz
);
CREATE TABLE IF NOT EXISTS perf_evidence (
    item_id text PRIMARY KEY,
    school_id text NOT NULL,
    seized_at timestamptz,
    holder text NOT NULL
);
CREATE TABLE IF NOT EXISTS perf_indicators (
    school_id text NOT NULL,
    term text NOT NULL,
    revision int NOT NULL,
    bullying int NOT NULL,
    truancy_sessions int NOT NULL,
    fixed_term_exclusions int NOT NULL,
    permanent_exclusions int NOT NULL,
    possible_sessions int,
    authorised_absence_sessions int,
    PRIMARY KEY (school_id, term)
);
ALTER TABLE perf_incidents ADD COLUMN IF NOT EXISTS outside_protocol_hours boolean;
-- Allegations against staff are counted (never described): whether referred, and the outcome.
ALTER TABLE perf_incidents ADD COLUMN IF NOT EXISTS against_staff boolean;
ALTER TABLE perf_incidents ADD COLUMN IF NOT EXISTS referred boolean;
ALTER TABLE perf_incidents ADD COLUMN IF NOT EXISTS outcome text;
ALTER TABLE perf_indicators ADD COLUMN IF NOT EXISTS possible_sessions int;
ALTER TABLE perf_indicators ADD COLUMN IF NOT EXISTS authorised_absence_sessions int;
"""


async def _upsert(batch: StatementBatch, table: str, key: str, id_: str, **values: object) -> None:
    """INSERT ... ON CONFLICT that sets only the given columns, so any arrival order works."""
    columns = [key, *values]
    marks = ", ".join(f"${n}" for n in range(1, len(columns) + 1))
    updates = ", ".join(f"{c} = EXCLUDED.{c}" for c in values)
    sql = (
        f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})"
        f" ON CONFLICT ({key}) DO UPDATE SET {updates}"
    )
    await batch.execute(sql, id_, *values.values())


HANDLERS: Handlers[Apply] = Handlers()


class IncidentsView(HandledProjection):
    """What the performance framework counts from the incidents service."""

    name = "incidents"
    topics = (i.INCIDENTS, i.SEARCHES, i.SCHOOL_ONLY)
    handlers = HANDLERS

    async def create_tables(self, conn: Connection) -> None:
        await conn.execute(DDL)


@HANDLERS.on(i.IncidentReported)
async def _reported(b: StatementBatch, p: i.IncidentReported) -> None:
    # The school's record (school-only topic) and its referral or a find that made it serious
    # (police topic) arrive in either order: seriousness and referral only ever go one way.
    referred = not isinstance(p, i.SchoolIncidentRecorded)
    await b.execute(
        """INSERT INTO perf_incidents (incident_id, school_id, occurred_at, category, serious,
               outside_protocol_hours, against_staff, referred)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
           ON CONFLICT (incident_id) DO UPDATE SET school_id = $2, occurred_at = $3,
               category = $4, serious = COALESCE(perf_incidents.serious, false) OR $5,
               outside_protocol_hours = $6, against_staff = $7,
               referred = COALESCE(perf_incidents.referred, false) OR $8""",
        p.incident_id, p.school_id, p.occurred_at, p.category, p.serious,
        p.outside_protocol_hours, p.allegation_against_staff, referred,
    )  # fmt: skip


@HANDLERS.on(i.IncidentBecameSerious)
async def _became_serious(b: StatementBatch, p: i.IncidentBecameSerious) -> None:
    await _upsert(
        b, "perf_incidents", "incident_id", p.incident_id, school_id=p.school_id, serious=True
    )


@HANDLERS.on(i.IncidentHeadTeacherNotified)
async def _notified(b: StatementBatch, p: i.IncidentHeadTeacherNotified) -> None:
    await _upsert(
        b, "perf_incidents", "incident_id", p.incident_id, school_id=p.school_id,
        head_notified_at=p.notified_at,
    )  # fmt: skip


@HANDLERS.on(i.SchoolElectedToDealInternally)
async def _internal(b: StatementBatch, p: i.SchoolElectedToDealInternally) -> None:
    await _upsert(
        b, "perf_incidents", "incident_id", p.incident_id, school_id=p.school_id,
        handled_internally=True,
    )  # fmt: skip


@HANDLERS.on(i.IncidentClosed)
async def _closed(b: StatementBatch, p: i.IncidentClosed) -> None:
    await _upsert(
        b, "perf_incidents", "incident_id", p.incident_id, school_id=p.school_id,
        closed_at=p.closed_at, outcome=p.outcome,
    )  # fmt: skip


@HANDLERS.on(i.SearchRecorded)
async def _searched(b: StatementBatch, p: i.SearchRecorded) -> None:
    if p.searched_by != "officer":  # published before staff searches were the school's own
        await _school_searched(b, p)
        return
    await _upsert(
        b, "perf_searches", "search_id", p.search_id, school_id=p.school_id,
        searched_at=p.searched_at, of_pupil=p.pupil_ref is not None, outcome=p.outcome,
        self_defined_ethnicity=p.self_defined_ethnicity,
        officer_defined_ethnicity=p.officer_defined_ethnicity,
        linked_to_object=p.outcome_linked_to_object_of_search,
    )  # fmt: skip


@HANDLERS.on(i.SearchParentsInformed)
async def _parents(b: StatementBatch, p: i.SearchParentsInformed) -> None:
    await _upsert(
        b, "perf_searches", "search_id", p.search_id, school_id=p.school_id,
        parents_informed_at=p.informed_at,
    )  # fmt: skip


@HANDLERS.on(i.SchoolSearchRecorded)
async def _school_searched(b: StatementBatch, p: i.SchoolSearchRecorded | i.SearchRecorded) -> None:
    await _upsert(
        b, "perf_school_searches", "search_id", p.search_id, school_id=p.school_id,
        searched_at=p.searched_at, of_pupil=p.pupil_ref is not None, outcome=p.outcome,
    )  # fmt: skip


@HANDLERS.on(i.SchoolSearchParentsInformed)
async def _school_parents(b: StatementBatch, p: i.SchoolSearchParentsInformed) -> None:
    await _upsert(
        b, "perf_school_searches", "search_id", p.search_id, school_id=p.school_id,
        parents_informed_at=p.informed_at,
    )  # fmt: skip


@HANDLERS.on(i.ArrestMade)
async def _arrested(b: StatementBatch, p: i.ArrestMade) -> None:
    await _upsert(
        b, "perf_arrests", "arrest_id", p.arrest_id, school_id=p.school_id,
        arrested_at=p.arrested_at, on_premises=p.on_premises,
    )  # fmt: skip


@HANDLERS.on(i.ArrestHeadTeacherInformed)
async def _head_informed(b: StatementBatch, p: i.ArrestHeadTeacherInformed) -> None:
    await _upsert(
        b, "perf_arrests", "arrest_id", p.arrest_id, school_id=p.school_id,
        head_informed_at=p.informed_at,
    )  # fmt: skip


@HANDLERS.on(i.EvidenceSeized, i.EvidenceSeizedV2)
async def _seized(b: StatementBatch, p: i.EvidenceSeized | i.EvidenceSeizedV2) -> None:
    await _upsert(
        b, "perf_evidence", "item_id", p.item_id, school_id=p.school_id, seized_at=p.seized_at,
        holder=p.holder,
    )  # fmt: skip


@HANDLERS.on(i.EvidenceTransferred, i.EvidenceTransferredV2)
async def _transferred(
    b: StatementBatch, p: i.EvidenceTransferred | i.EvidenceTransferredV2
) -> None:
    await _upsert(
        b, "perf_evidence", "item_id", p.item_id, school_id=p.school_id, holder=p.to_holder
    )


@HANDLERS.on(i.SchoolIndicatorsSubmitted)
async def _indicators(b: StatementBatch, p: i.SchoolIndicatorsSubmitted) -> None:
    # A correction supersedes an earlier revision; a late-arriving older one does not.
    c = p.counts
    await b.execute(
        """INSERT INTO perf_indicators VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
           ON CONFLICT (school_id, term) DO UPDATE SET revision = $3, bullying = $4,
               truancy_sessions = $5, fixed_term_exclusions = $6, permanent_exclusions = $7,
               possible_sessions = $8, authorised_absence_sessions = $9
           WHERE perf_indicators.revision < $3""",
        p.school_id, p.term, p.revision, c.bullying_incidents, c.unauthorised_absence_sessions,
        c.fixed_term_exclusions, c.permanent_exclusions, c.possible_sessions,
        c.authorised_absence_sessions,
    )  # fmt: skip
