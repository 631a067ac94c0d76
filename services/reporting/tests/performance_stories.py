"""A hand-worked autumn term for the performance framework (see the tests' docstrings)."""

import uuid
from datetime import UTC, date, datetime, timedelta
from typing import Any

from ssp_contracts.events import disclosure as d
from ssp_contracts.events import incidents as i
from ssp_contracts.events import staffing as s

from services.reporting.tests.builders import received
from services.runtime.projection import ReceivedEvent

NOV = datetime(2026, 11, 10, 10, 0, tzinfo=UTC)
WHITE = "White - English/Welsh/Scottish/Northern Irish/British"
BLACK = "Black/African/Caribbean/Black British - African"


def uid(name: str) -> str:
    """A stable UUID for a name used in the story."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, name))


def pupil(n: int) -> str:
    return f"pupil-{n:012x}"


def schools() -> list[ReceivedEvent]:
    """S1 (1,000 pupils) and S2 (500) in Hackney, S3 (800) in Camden; Hackney's calendar."""
    events = [
        received(
            s.SchoolRegistered(
                school_id=sid,
                name=f"School {sid}",
                borough=borough,
                phase="secondary",
                pupil_count=pupils,
                programme="safer_schools_partnership",
            ),
            subject=sid,
        )
        for sid, borough, pupils in (
            ("S1", "Hackney", 1000),
            ("S2", "Hackney", 500),
            ("S3", "Camden", 800),
        )
    ]
    calendar = s.TermCalendarSet(
        borough="Hackney",
        term="2026-autumn",
        starts_on=date(2026, 9, 2),
        ends_on=date(2026, 12, 18),
        holidays=[],
    )
    return [*events, received(calendar, subject="calendar-hackney")]


def incident(n: int, school: str, category: Any, serious: bool, **extra: Any) -> ReceivedEvent:
    return received(
        i.IncidentReported(
            incident_id=uid(f"incident-{n}"),
            school_id=school,
            occurred_at=NOV,
            location_kind="premises",
            category=category,
            came_to_notice="officer_patrol",
            serious=serious,
            outside_protocol_hours=False,
            **extra,
        )
    )


def incidents() -> list[ReceivedEvent]:
    """S1: two robberies (one head teacher told) and a bullying the school deals with; S2: drugs."""
    one, three, four = uid("incident-1"), uid("incident-3"), uid("incident-4")
    return [
        incident(1, "S1", "robbery", True),
        incident(2, "S1", "robbery", True),
        incident(3, "S1", "bullying", False),
        incident(4, "S2", "drugs", True),
        received(i.IncidentHeadTeacherNotified(incident_id=one, school_id="S1", notified_at=NOV)),
        received(i.IncidentHeadTeacherNotified(incident_id=four, school_id="S2", notified_at=NOV)),
        received(
            i.SchoolElectedToDealInternally(incident_id=three, school_id="S1", elected_at=NOV)
        ),
        received(
            i.IncidentClosed(
                incident_id=one, school_id="S1", closed_at=NOV, outcome="local-resolution"
            )
        ),
        received(
            i.IncidentClosed(
                incident_id=four, school_id="S2", closed_at=NOV, outcome="offender-given-caution"
            )
        ),
        received(
            i.ArrestMade(
                incident_id=one,
                school_id="S1",
                arrest_id=uid("arrest-1"),
                pupil_ref=pupil(1),
                arrested_at=NOV,
                on_premises=True,
            )
        ),
        received(
            i.ArrestMade(
                incident_id=four,
                school_id="S2",
                arrest_id=uid("arrest-2"),
                pupil_ref=pupil(2),
                arrested_at=NOV,
                on_premises=False,
            )
        ),
        received(
            i.ArrestHeadTeacherInformed(
                incident_id=four, school_id="S2", arrest_id=uid("arrest-2"), informed_at=NOV
            )
        ),
        *evidence(),
    ]


def evidence() -> list[ReceivedEvent]:
    """Two items seized by staff at S1; one was handed to the officer."""
    seized = [
        received(
            i.EvidenceSeized(
                incident_id=uid("incident-1"),
                school_id="S1",
                item_id=uid(f"item-{n}"),
                kind="weapon",
                seized_at=NOV,
                holder="school_staff",
                holder_id="staff-000000000001",
            )
        )
        for n in (1, 2)
    ]
    handed = i.EvidenceTransferred(
        incident_id=uid("incident-1"),
        school_id="S1",
        item_id=uid("item-2"),
        transfer="handed_to_officer",
        from_holder="school_staff",
        from_id="staff-000000000001",
        to_holder="officer",
        to_id="officer-a",
        transferred_at=NOV,
    )
    return [*seized, received(handed)]


def search(
    n: int, outcome: Any, linked: bool, ethnicity: str, of_pupil: bool = True
) -> ReceivedEvent:
    return received(
        i.SearchRecorded(
            search_id=uid(f"search-{n}"),
            school_id="S1",
            searched_by="officer",
            officer_id="officer-a",
            searched_at=NOV,
            location_kind="premises",
            pupil_ref=pupil(n) if of_pupil else None,
            legislation="Misuse of Drugs Act 1971 (section 23)",
            object_of_search="Controlled drugs",
            gender="Male",
            age_range="10-17",
            self_defined_ethnicity=ethnicity,
            officer_defined_ethnicity="White" if ethnicity == WHITE else "Black",
            outcome=outcome,
            outcome_linked_to_object_of_search=linked,
            removal_of_more_than_outer_clothing=False,
            items_found=linked,
            injury_or_damage=False,
        )
    )


def searches() -> list[ReceivedEvent]:
    """Four searches at S1: two linked to the object; parents told of one of three pupils."""
    return [
        search(1, "Arrest", True, WHITE),
        search(2, "A no further action disposal", False, WHITE),
        search(3, "A no further action disposal", False, BLACK),
        search(4, "Community resolution", True, BLACK, of_pupil=False),
        received(
            i.SearchParentsInformed(search_id=uid("search-1"), school_id="S1", informed_at=NOV)
        ),
    ]


def indicators(
    school: str, term: str, revision: int, counts: tuple[int, int, int, int]
) -> ReceivedEvent:
    bullying, truancy, fixed, permanent = counts
    return received(
        i.SchoolIndicatorsSubmitted(
            school_id=school,
            term=term,
            revision=revision,
            supersedes=revision - 1 if revision > 1 else None,
            counts=i.IndicatorCounts(
                bullying_incidents=bullying,
                unauthorised_absence_sessions=truancy,
                fixed_term_exclusions=fixed,
                permanent_exclusions=permanent,
            ),
            submitted_at=NOV,
        ),
        subject=f"{school}:{term}",
    )


def deployments() -> list[ReceivedEvent]:
    """Officers A and B in Hackney, C in Camden; D's Hackney deployment ended in October."""

    def deployed(officer: str, borough: str, schools: list[str]) -> ReceivedEvent:
        return received(
            s.OfficerDeployed(
                deployment_id=uid(f"dep-{officer}"),
                officer_id=officer,
                borough=borough,
                school_ids=schools,
                share_percent=100,
                start_date=date(2026, 9, 1),
                tenure_end=date(2029, 8, 31),
            )
        )

    ended = s.DeploymentEnded(
        deployment_id=uid("dep-officer-d"),
        officer_id="officer-d",
        school_ids=["S2"],
        ended_on=date(2026, 10, 31),
        reason="transfer",
        borough="Hackney",
    )
    return [
        deployed("officer-a", "Hackney", ["S1"]),
        deployed("officer-b", "Hackney", ["S1", "S2"]),
        deployed("officer-c", "Camden", ["S3"]),
        deployed("officer-d", "Hackney", ["S2"]),
        received(ended),
    ]


def request(n: int, urgency: Any, submitted: datetime, **due: Any) -> d.RequestSubmitted:
    return d.RequestSubmitted(
        request_id=uid(f"request-{n}"),
        school_id="S1",
        borough="Hackney",
        urgency=urgency,
        submitted_at=submitted,
        subject_ref=pupil(n),
        requesting_body="police",
        urgent_reason="pupil_missing" if urgency == "urgent" else None,
        categories=["attendance"],
        lawful_basis="cda_1998_s115",
        missing_fields=[],
        decision_due=due.get("decision_due"),
        confirmation_due=due.get("confirmation_due"),
        countersignature_required=True,
    )


def decided(req: d.RequestSubmitted, hours: float) -> d.DecisionRecorded:
    return d.DecisionRecorded(
        request_id=req.request_id,
        school_id=req.school_id,
        borough=req.borough,
        urgency=req.urgency,
        submitted_at=req.submitted_at,
        decision_id=uid(f"decision-{req.request_id}"),
        outcome="disclose_full",
        withheld_categories=[],
        decided_at=req.submitted_at + timedelta(hours=hours),
        decision_due=req.decision_due,
        deadline_met=None,
    )


def confirmed(req: d.RequestSubmitted) -> d.RequestAmended:
    return d.RequestAmended(
        request_id=req.request_id,
        school_id=req.school_id,
        borough=req.borough,
        urgency=req.urgency,
        submitted_at=req.submitted_at,
        amended_at=req.submitted_at + timedelta(hours=1),
        changed_fields=["purpose"],
        written_confirmation=True,
        signature_voided=False,
        missing_fields=[],
        content_hash="0" * 64,
    )


def disclosures() -> list[ReceivedEvent]:
    """Urgent: decided in 2 h (confirmed), in 4 h (unconfirmed), one undecided; routine: 48 h."""
    nine = NOV.replace(hour=9)
    due = {
        "decision_due": nine + timedelta(hours=4),
        "confirmation_due": nine + timedelta(hours=24),
    }
    r1, r2, r3 = (request(n, "urgent", nine, **due) for n in (1, 2, 3))
    r4 = request(4, "routine", nine)
    return [
        received(p, subject=p.request_id)
        for p in (r1, r2, r3, r4, decided(r1, 2), confirmed(r1), decided(r2, 4), decided(r4, 48))
    ]
