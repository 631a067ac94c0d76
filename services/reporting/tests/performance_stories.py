"""A hand-worked autumn term for the performance framework (see the tests' docstrings)."""

import uuid
from datetime import UTC, date, datetime
from typing import Any

from ssp_contracts.events import incidents as i
from ssp_contracts.events import staffing as s
from ssp_contracts.vocab import SelfDefinedEthnicity

from services.reporting.tests.builders import received
from services.runtime.projection import ReceivedEvent

NOV = datetime(2026, 11, 10, 10, 0, tzinfo=UTC)
WHITE: SelfDefinedEthnicity = "White - English/Welsh/Scottish/Northern Irish/British"
BLACK: SelfDefinedEthnicity = "Black/African/Caribbean/Black British - African"


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
    """Two items seized by staff at S1 (version 1, as history); one was handed to the officer."""
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
    handed = i.EvidenceTransferredV2(
        incident_id=uid("incident-1"),
        school_id="S1",
        item_id=uid("item-2"),
        transfer="handed_to_officer",
        from_holder="school_staff",
        to_holder="officer",
        transferred_at=NOV,
    )
    return [*seized, received(handed)]


def search(
    n: int, outcome: Any, linked: bool, ethnicity: SelfDefinedEthnicity, of_pupil: bool = True
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
