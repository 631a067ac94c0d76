"""A hand-worked autumn 2026 in Hackney and Camden for the auditable figures.

Hackney publishes its autumn term: Mon 7 Sep to Fri 18 Dec 2026 (103 days) with half term
26-30 Oct, so 75 weekdays less 5 = 70 school days. Camden publishes none: the platform's
convention makes its autumn 1 Sep to 31 Dec (122 days).

Schools: S1 (1,000 pupils), S2 (400), S3 (200) and S4 (200) are SSP schools in Hackney; S6
(600) is a Schools Involvement school in Hackney; S5 (500) is an SSP school in Camden; S7
(900) in Hackney is registered but never gets an officer (the comparison group).

Deployments: A, constable, S1 full time; B, constable, half to S2 and half to the cluster
S3+S4; P, a PCSO, S2 full time; D, constable, S1 full time, ended 31 Oct (mid-term); C,
constable, S6 full time; E, constable, S5, tenure to 15 Oct extended to 2029.
"""

import uuid
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from ssp_contracts.events import disclosure as dsc
from ssp_contracts.events import incidents as i
from ssp_contracts.events import staffing as s
from ssp_contracts.vocab import CrimeOutcome

from services.reporting.tests.builders import received
from services.runtime.projection import ReceivedEvent

TERM = "2026-autumn"
LONDON = ZoneInfo("Europe/London")
OUTCOME: CrimeOutcome = "local-resolution"
SCHOOLS = {
    "S1": ("Hackney", 1000, "safer_schools_partnership"),
    "S2": ("Hackney", 400, "safer_schools_partnership"),
    "S3": ("Hackney", 200, "safer_schools_partnership"),
    "S4": ("Hackney", 200, "safer_schools_partnership"),
    "S6": ("Hackney", 600, "schools_involvement"),
    "S7": ("Hackney", 900, "safer_schools_partnership"),
    "S5": ("Camden", 500, "safer_schools_partnership"),
}


def uid(name: str) -> str:
    """A stable UUID for a name of the story."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, "figures/" + name))


def at(day: date, hour: int) -> datetime:
    """``hour`` o'clock UTC on ``day`` (GMT, so London time too, in Sep-Oct after the 25th)."""
    return datetime(day.year, day.month, day.day, hour, tzinfo=UTC)


def schools() -> list[ReceivedEvent]:
    """The schools, the officers' ranks and Hackney's calendar."""
    events = [
        received(
            s.SchoolRegistered(
                school_id=sid,
                name=f"School {sid}",
                borough=borough,
                phase="secondary",
                pupil_count=pupils,
                programme=programme,  # type: ignore[arg-type]
            ),
            subject=sid,
        )
        for sid, (borough, pupils, programme) in SCHOOLS.items()
    ]
    officers: tuple[tuple[str, s.Rank, str], ...] = (
        ("A", "constable", "Hackney"),
        ("B", "constable", "Hackney"),
        ("P", "pcso", "Hackney"),
        ("D", "constable", "Hackney"),
        ("C", "constable", "Hackney"),
        ("E", "constable", "Camden"),
    )
    for officer, rank, borough in officers:
        registered = s.OfficerRegistered(
            officer_id=officer, rank=rank, borough=borough, selection_panel=["police"]
        )
        events.append(received(registered, subject=officer))
    calendar = s.TermCalendarSet(
        borough="Hackney",
        term=TERM,
        starts_on=date(2026, 9, 7),
        ends_on=date(2026, 12, 18),
        holidays=[
            s.Holiday(starts_on=date(2026, 10, 26), ends_on=date(2026, 10, 30), kind="half_term")
        ],
    )
    return [*events, received(calendar, subject="calendar-hackney")]


def _deployed(
    name: str, officer: str, borough: str, schools: list[str], share: int, **kw: Any
) -> ReceivedEvent:
    return received(
        s.OfficerDeployed(
            deployment_id=uid(name),
            officer_id=officer,
            borough=borough,
            school_ids=schools,
            share_percent=share,
            start_date=kw.get("start", date(2026, 9, 1)),
            tenure_end=kw.get("tenure_end", date(2029, 8, 31)),
        )
    )


def deployments() -> list[ReceivedEvent]:
    """A, B (two halves), P, D (ends 31 Oct), C (Schools Involvement), E (extended)."""
    ended = s.DeploymentEnded(
        deployment_id=uid("dep-D"),
        officer_id="D",
        school_ids=["S1"],
        ended_on=date(2026, 10, 31),
        reason="transfer",
        borough="Hackney",
    )
    extended = s.DeploymentExtended(
        deployment_id=uid("dep-E"),
        officer_id="E",
        borough="Camden",
        school_ids=["S5"],
        previous_tenure_end=date(2026, 10, 15),
        tenure_end=date(2029, 8, 31),
    )
    return [
        _deployed("dep-A", "A", "Hackney", ["S1"], 100),
        _deployed("dep-B1", "B", "Hackney", ["S2"], 50),
        _deployed("dep-B2", "B", "Hackney", ["S3", "S4"], 50),
        _deployed("dep-P", "P", "Hackney", ["S2"], 100),
        _deployed("dep-D", "D", "Hackney", ["S1"], 100),
        received(ended),
        _deployed("dep-C", "C", "Hackney", ["S6"], 100),
        received(extended),  # arrives before the deployment: any order works
        _deployed("dep-E", "E", "Camden", ["S5"], 100, tenure_end=date(2026, 10, 15)),
    ]


def _roster(officer: str, schools: list[str], days: list[int]) -> ReceivedEvent:
    return received(
        s.RosterGenerated(
            roster_id=uid(f"roster-{officer}"),
            officer_id=officer,
            borough="Hackney",
            term=TERM,
            school_ids=schools,
            shifts=[s.Shift(date=date(2026, 11, d), start=time(8, 0), hours=8) for d in days],
        )
    )


def _abstracted(
    n: int, officer: str, schools: list[str], day: int, hours: float, breach: bool
) -> list[ReceivedEvent]:
    fields: dict[str, Any] = {
        "abstraction_id": uid(f"abs-{n}"),
        "roster_id": uid(f"roster-{officer}"),
        "officer_id": officer,
        "borough": "Hackney",
        "school_ids": schools,
        "term": TERM,
        "shift_date": date(2026, 11, day),
        "hours": hours,
        "category": "aid_local" if n % 2 else "court",
        "authorised_by": "inspector-1",
    }
    events = [
        received(
            s.OfficerAbstracted(
                **fields,
                rank="constable",
                shift_hours=8,
                exceptional=False,
                ring_fenced=breach,
                school_notified_at=None,
            )
        )
    ]
    if breach:
        events.append(received(s.RingFenceBreached(**fields, ring_fenced_from=date(2026, 9, 1))))
    return events


def shifts() -> list[ReceivedEvent]:
    """A: 5 x 8 h, 4 h abstracted on the 3rd, on leave the 5th-6th. B: 2 x 8 h, the 2nd
    lost to two breaching abstractions of 4 h (one officer-shift, so one breach)."""
    leave = s.AbsenceNotified(
        absence_id=uid("leave-A"),
        officer_id="A",
        borough="Hackney",
        school_ids=["S1"],
        kind="annual_leave",
        starts_on=date(2026, 11, 5),
        ends_on=date(2026, 11, 6),
        notified_at=at(date(2026, 10, 1), 9),
        notice_days=35,
        minimum_notice_days=14,
        late_notice=False,
    )
    fence = s.OfficerRingFenced(
        officer_id="B",
        borough="Hackney",
        ring_fenced_from=date(2026, 9, 1),
        authorised_by="inspector-1",
    )
    cluster = ["S2", "S3", "S4"]
    return [
        _roster("A", ["S1"], [2, 3, 4, 5, 6]),
        *_abstracted(1, "A", ["S1"], 3, 4, False),
        received(leave),
        received(fence, subject="B"),
        _roster("B", cluster, [2, 3]),
        *_abstracted(2, "B", cluster, 2, 4, True),
        *_abstracted(3, "B", cluster, 2, 4, True),
    ]


def _incident(
    n: int, school: str, when: datetime, *, closed: bool = True, internal: bool = False
) -> list[ReceivedEvent]:
    iid = uid(f"incident-{n}")
    local = when.astimezone(LONDON)
    # As the incidents service judges it: 08:00-16:00, Monday to Friday (the default hours).
    outside = local.isoweekday() > 5 or not 8 <= local.hour < 16
    events = [
        received(
            i.IncidentReported(
                incident_id=iid,
                school_id=school,
                occurred_at=when,
                location_kind="premises",
                category="anti-social-behaviour",
                came_to_notice="officer_patrol",
                serious=False,
                outside_protocol_hours=outside,
            )
        )
    ]
    if internal:
        elected = i.SchoolElectedToDealInternally(
            incident_id=iid, school_id=school, elected_at=when
        )
        events.append(received(elected))
    if closed:
        done = i.IncidentClosed(
            incident_id=iid, school_id=school, closed_at=when + timedelta(days=1), outcome=OUTCOME
        )
        events.append(received(done))
    return events


def incidents() -> list[ReceivedEvent]:
    """Only the first is dealt with inside protocol hours by the police."""
    tue = date(2026, 11, 10)
    return [
        *_incident(1, "S1", at(tue, 10)),
        *_incident(2, "S1", at(tue, 19)),  # after 16:00
        *_incident(3, "S2", at(tue, 11), internal=True),
        *_incident(4, "S1", at(date(2026, 11, 14), 11)),  # a Saturday
        *_incident(5, "S1", at(date(2026, 11, 11), 10), closed=False),
    ]


def indicators() -> list[ReceivedEvent]:
    """S1 returns autumn 2025, summer 2026 (no calendar: 50 days by sessions) and autumn 2026;
    S7 (900 pupils, no officer) returns autumn 2026."""

    def returned(
        term: str, bullying: int, truancy: int, possible: int, school: str = "S1"
    ) -> ReceivedEvent:
        counts = i.IndicatorCounts(
            bullying_incidents=bullying,
            unauthorised_absence_sessions=truancy,
            fixed_term_exclusions=0,
            permanent_exclusions=0,
            possible_sessions=possible,
            authorised_absence_sessions=possible // 25,
        )
        payload = i.SchoolIndicatorsSubmitted(
            school_id=school,
            term=term,
            revision=1,
            counts=counts,
            submitted_at=at(date(2026, 12, 20), 9),
        )
        return received(payload)

    return [
        returned("2025-autumn", 21, 4200, 140_000),
        returned("2026-summer", 15, 3000, 100_000),
        returned(TERM, 14, 2800, 140_000),
        returned(TERM, 63, 5040, 126_000, "S7"),  # the comparison school: no officer
    ]


def census_and_searches() -> list[ReceivedEvent]:
    """S1's census: 500 White, 300 Black, 200 Asian pupils. Searched at S1 in November:
    two Black, one White, one not stated; at S2 (no census) one Black pupil."""
    census = s.SchoolCensusRecorded(
        school_id="S1",
        borough="Hackney",
        census_date=date(2026, 10, 1),
        pupils_by_ethnicity={"White": 500, "Black": 300, "Asian": 200},
    )
    events = [received(census, subject="S1")]
    black = "Black/African/Caribbean/Black British - Caribbean"
    for n, school, ethnicity in (
        (1, "S1", black),
        (2, "S1", black),
        (3, "S1", "White - Irish"),
        (4, "S1", "Other ethnic group - Not stated"),
        (5, "S2", black),
    ):
        searched = i.SearchRecorded(
            search_id=uid(f"search-{n}"),
            school_id=school,
            searched_by="officer",
            officer_id="A",
            searched_at=at(date(2026, 11, 10), 11),
            location_kind="premises",
            pupil_ref=f"pupil-{n:012x}",
            legislation="Misuse of Drugs Act 1971 (section 23)",
            object_of_search="Controlled drugs",
            gender="Male",
            age_range="10-17",
            self_defined_ethnicity=ethnicity,  # type: ignore[arg-type]
            officer_defined_ethnicity="Black" if ethnicity == black else "White",
            outcome="A no further action disposal",
            outcome_linked_to_object_of_search=False,
            removal_of_more_than_outer_clothing=False,
            items_found=False,
            injury_or_damage=False,
        )
        events.append(received(searched))
    return events


def disclosures() -> list[ReceivedEvent]:
    """A routine request waits a day for the head's signature, then 6 h for the decision;
    an urgent one is decided 2 h after submission and signed two days later."""
    events = []
    for n, urgency, submitted, signed, decided in (
        (
            1,
            "routine",
            at(date(2026, 11, 9), 9),
            at(date(2026, 11, 10), 9),
            at(date(2026, 11, 10), 15),
        ),
        (
            2,
            "urgent",
            at(date(2026, 11, 10), 10),
            at(date(2026, 11, 12), 10),
            at(date(2026, 11, 10), 12),
        ),
    ):
        base: dict[str, Any] = {
            "request_id": uid(f"request-{n}"),
            "school_id": "S1",
            "borough": "Hackney",
            "urgency": urgency,
            "submitted_at": submitted,
        }
        events.append(
            received(dsc.RequestCountersigned(**base, signed_at=signed, content_hash="0" * 64))
        )
        events.append(
            received(
                dsc.DecisionRecorded(
                    **base,
                    decision_id=uid(f"decision-{n}"),
                    outcome="disclose_full",
                    withheld_categories=[],
                    decided_at=decided,
                    decision_due=None,
                    deadline_met=None,
                )
            )
        )
    return events


def everything() -> list[ReceivedEvent]:
    """The whole story, in one batch."""
    return [
        *schools(),
        *deployments(),
        *shifts(),
        *incidents(),
        *indicators(),
        *disclosures(),
        *census_and_searches(),
    ]
