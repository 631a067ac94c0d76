"""Real data for the fuzz: a borough, schools, a deployed officer and records, made over HTTP."""

import time as clock
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import requests

from services.runtime.paging import NEXT_HEADER
from services.runtime.testing import bearer

BOROUGH = "fuzz-borough"
SCHOOL, PRIMARY, OTHER = "fuzz-school-1", "fuzz-primary-1", "fuzz-school-2"
OFFICER = "fuzz-officer-1"
PUPIL = "pupil-00000000000f0221"


def tokens() -> dict[str, Mapping[str, str]]:
    """One caller per role, each scoped to the seeded school, borough or officer."""
    return {
        "school_officer": bearer("school_officer", OFFICER, borough=BOROUGH),
        "school_staff": bearer("school_staff", f"staff-{SCHOOL}", school=SCHOOL),
        "head_teacher": bearer("head_teacher", f"head-{SCHOOL}", school=SCHOOL),
        "designated_safeguarding_lead": bearer(
            "designated_safeguarding_lead", f"dsl-{SCHOOL}", school=SCHOOL
        ),
        "disclosure_officer": bearer("disclosure_officer", f"do-{BOROUGH}", borough=BOROUGH),
        "borough_supervisor": bearer("borough_supervisor", f"sgt-{BOROUGH}", borough=BOROUGH),
        "auditor": bearer("auditor", "auditor-fuzz"),
        "analyst": bearer("analyst", "analyst-fuzz"),
        "data_protection_officer": bearer("data_protection_officer", "dpo-fuzz"),
        "service": bearer("service", f"la-{BOROUGH}-cms", borough=BOROUGH),
        "deputy_head": bearer("deputy_head", f"deputy-{SCHOOL}", school=SCHOOL),
        "chair_of_governors": bearer("chair_of_governors", f"chair-{SCHOOL}", school=SCHOOL),
    }


@dataclass
class Seeded:
    """Real values per parameter name (path, query or body field), seeded then harvested."""

    values: dict[str, list[Any]] = field(default_factory=dict)

    def add(self, name: str, value: Any) -> None:
        """Remember a real value for parameters called ``name``."""
        known = self.values.setdefault(name, [])
        if value not in known:
            known.append(value)


class Seeder:
    """Sends the seed requests to in-process services and fails loudly on any refusal."""

    def __init__(self, clients: dict[str, requests.Session]) -> None:
        self.clients, self.who = clients, tokens()
        self.seeded = Seeded()

    def send(self, service: str, method: str, path: str, role: str, body: Any = None) -> Any:
        """One request that must succeed; its JSON answer."""
        answer = self.clients[service].request(method, path, json=body, headers=self.who[role])
        assert answer.status_code < 300, f"seed {method} {service}{path}: {answer.text}"
        return answer.json() if answer.content else None

    def run(self) -> Seeded:
        """Everything, in the order the rules need; the real values by parameter name."""
        today = datetime.now(UTC).date()
        self.staffing(today)
        self.wait_for_deployment(today)
        self.incidents(today)
        self.disclosure(today)
        self.cursors()
        for name, value in (
            ("borough", BOROUGH),
            ("school_id", SCHOOL),
            ("officer_id", OFFICER),
            ("pupil_ref", PUPIL),
            ("subject_ref", PUPIL),
        ):
            self.seeded.add(name, value)
        return self.seeded

    def cursors(self) -> None:
        """Real next-page cursors for ``cursor``, of lists ordered by time, by day and by id,
        where the seed made a second page (a list's cursor sent to another must be a 422)."""
        for service, path in (
            ("incidents", "/incidents"),
            ("staffing", f"/officers/{OFFICER}/abstractions"),
            ("staffing", "/schools"),
        ):
            answer = self.clients[service].get(
                path, params={"limit": 1}, headers=self.who["borough_supervisor"]
            )
            assert answer.status_code == 200, f"seed GET {service}{path}: {answer.text}"
            if (cursor := answer.headers.get(NEXT_HEADER)) is not None:
                self.seeded.add("cursor", cursor)

    def staffing(self, today: date) -> None:
        """Schools in the borough, a cluster, the officer, a deployment, a calendar, a roster."""
        sgt, s = "borough_supervisor", self.seeded
        for school_id, phase in ((SCHOOL, "secondary"), (PRIMARY, "primary"), (OTHER, "academy")):
            body = {
                "school_id": school_id,
                "name": f"Fuzz {phase} school",
                "borough": BOROUGH,
                "phase": phase,
                "pupil_count": 900,
                "programme": "safer_schools_partnership",
            }
            self.send("staffing", "POST", "/schools", sgt, body)
            signed = {
                "signed_on": str(today - timedelta(200)),
                "head_teacher": "Fuzz Head",
                "borough_commander": "Fuzz Commander",
            }
            self.send("staffing", "POST", f"/schools/{school_id}/protocol", sgt, signed)
            s.add("school_id", school_id)
        cluster = {"primary_school_ids": [PRIMARY]}
        self.send("staffing", "PUT", f"/schools/{SCHOOL}/cluster", sgt, cluster)
        officer = {
            "officer_id": OFFICER,
            "rank": "constable",
            "borough": BOROUGH,
            "selection_panel": ["police", "school"],
        }
        self.send("staffing", "POST", "/officers", sgt, officer)
        training = {"module": 1, "completed_on": str(today - timedelta(100))}
        self.send("staffing", "POST", f"/officers/{OFFICER}/training", sgt, training)
        deploy = {
            "officer_id": OFFICER,
            "school_id": SCHOOL,
            "to_cluster": True,
            "share_percent": 100,
            "start_date": str(today - timedelta(60)),
        }
        s.add("deployment_id", self.send("staffing", "POST", "/deployments", sgt, deploy)["id"])
        season = "spring" if today.month < 4 else "summer" if today.month < 8 else "autumn"
        term = f"{today.year}-{season}"
        s.add("term", term)
        monday = today - timedelta(today.weekday())
        calendar = {
            "starts_on": str(monday - timedelta(21)),
            "ends_on": str(monday + timedelta(40)),
        }
        self.send("staffing", "PUT", f"/calendars/{BOROUGH}/{term}", sgt, calendar)
        roster = {"term": term, "start": "08:00:00", "hours": 8.0}
        self.send("staffing", "POST", f"/officers/{OFFICER}/rosters", sgt, roster)
        shift = monday - timedelta(7)
        s.add("day", str(shift))
        abstraction = {
            "shift_date": str(shift),
            "hours": 4.0,
            "category": "court",
            "authorised_by": f"sgt-{BOROUGH}",
            "exceptional": False,
            "school_notified_at": None,
        }
        self.send("staffing", "POST", f"/officers/{OFFICER}/abstractions", sgt, abstraction)

    def wait_for_deployment(self, today: date, timeout: float = 60) -> None:
        """Incidents learns deployments from staffing's events: wait until it knows ours."""
        deadline = clock.monotonic() + timeout
        while clock.monotonic() < deadline:
            # Its own officer's only: other tests' deployments may fill more than a page.
            known = self.send("incidents", "GET", f"/deployments?officer_id={OFFICER}", "auditor")
            if any(d["officer_id"] == OFFICER and SCHOOL in d["school_ids"] for d in known):
                return
            clock.sleep(0.3)
        raise AssertionError("the officer's deployment never reached the incidents service")

    def incidents(self, today: date) -> None:
        """Protocol hours, an incident with evidence and an arrest, a search, indicators."""
        s, pc = self.seeded, "school_officer"
        when = datetime.combine(today - timedelta(2), time(10), UTC)  # all of it in the past
        hours = {"starts": "08:00", "ends": "16:00", "school_days": [1, 2, 3, 4, 5]}
        self.send("incidents", "PUT", f"/schools/{SCHOOL}/protocol-hours", "head_teacher", hours)
        incident = {
            "school_id": SCHOOL,
            "occurred_at": when.isoformat(),
            "location_kind": "premises",
            "place": "playground",
            "category": "theft-from-the-person",
            "came_to_notice": "reported_by_staff",
            "description": "Phone taken from a bag at break",
            "pupil_refs": [PUPIL],
        }
        incident_id = self.send("incidents", "POST", "/incidents", pc, incident)["id"]
        s.add("incident_id", incident_id)
        item = {
            "incident_id": incident_id,
            "kind": "electronic_device",
            "description": "phone seized",
            "seized_at": (when + timedelta(minutes=10)).isoformat(),
        }
        s.add("item_id", self.send("incidents", "POST", "/evidence", "school_staff", item)["id"])
        arrest = {
            "incident_id": incident_id,
            "pupil_ref": PUPIL,
            "arrested_at": (when + timedelta(days=1)).isoformat(),
            "on_premises": False,
        }
        s.add("arrest_id", self.send("incidents", "POST", "/arrests", pc, arrest)["id"])
        search = {
            "school_id": SCHOOL,
            "incident_id": incident_id,
            "searched_by": "officer",
            "searched_at": (when + timedelta(minutes=20)).isoformat(),
            "location_kind": "premises",
            "place_description": "Pupil's locker",
            "latitude": 51.5,
            "longitude": -0.1,
            "pupil_ref": PUPIL,
            "person": "Year 9 pupil",
            "legislation": "Police and Criminal Evidence Act 1984 (section 1)",
            "object_of_search": "Stolen goods",
            "grounds": "Information from staff that the pupil carried the phone",
            "gender": "Male",
            "age_range": "10-17",
            "self_defined_ethnicity": "White - English/Welsh/Scottish/Northern Irish/British",
            "officer_defined_ethnicity": "White",
            "outcome": "A no further action disposal",
            "outcome_linked_to_object_of_search": False,
            "removal_of_more_than_outer_clothing": False,
            "found": None,
            # The officer's own search is the police record (MPS Form 5090).
            "form_reference": "5090/TW/000417",
            "officer_number": "421TW",
            "station": "Tottenham",
            "receipt_offered": True,
        }
        s.add("search_id", self.send("incidents", "POST", "/searches", pc, search)["id"])
        lesson = {
            "school_id": SCHOOL,
            "kind": "lesson",
            "started_at": (when + timedelta(hours=1)).isoformat(),
            "minutes": 50,
            "pupils_reached": 28,
        }
        s.add("activity_id", self.send("incidents", "POST", "/activities", pc, lesson)["id"])
        s.add("source_id", incident_id)
        concern = {
            "source": "incident",
            "source_id": incident_id,
            "pupil_ref": PUPIL,
            "concern": "neglect",
            "details": "Arrives hungry most mornings",
            "referred_at": (when + timedelta(hours=2)).isoformat(),
            "follow_up_due": str(today + timedelta(7)),
        }
        dsl = "designated_safeguarding_lead"
        referral = self.send("incidents", "POST", "/safeguarding-referrals", dsl, concern)
        s.add("referral_id", referral["id"])
        counts = {
            "bullying_incidents": 3,
            "unauthorised_absence_sessions": 40,
            "fixed_term_exclusions": 1,
            "permanent_exclusions": 0,
        }
        term = s.values["term"][0]
        body = {"counts": counts, "submitted_at": when.isoformat()}
        self.send("incidents", "POST", f"/schools/{SCHOOL}/indicators/{term}", "school_staff", body)

    def disclosure(self, today: date) -> None:
        """A routine request countersigned and decided, and a logged exchange."""
        request = {
            "requesting_body": "police",
            "subject_ref": PUPIL,
            "school_id": SCHOOL,
            "borough": BOROUGH,
            "urgency": "routine",
            "categories": ["offending_history", "behaviour"],
            "purpose": "Whereabouts at the time of the theft",
            "requesting_officer": OFFICER,
            "necessity": "Establishes who was in school",
            "lawful_basis": "cda_1998_s115",
        }
        request_id = self.send("disclosure", "POST", "/requests", "school_officer", request)["id"]
        self.seeded.add("request_id", request_id)
        read = self.send(
            "disclosure",
            "GET",
            f"/requests/{request_id}?purpose=disclosure_decision",
            "head_teacher",
        )
        sign = {"content_hash": read["content_hash"]}
        path = f"/requests/{request_id}/countersignature"
        self.send("disclosure", "POST", path, "head_teacher", sign)
        second = {
            **request,
            "requesting_body": "local_authority",
            "categories": ["offending_history"],
        }
        self.seeded.add(
            "request_id", self.send("disclosure", "POST", "/requests", "service", second)["id"]
        )
        exchange = {
            "school_id": SCHOOL,
            "borough": BOROUGH,
            "partner_body": "local_authority",
            "partner": "Youth Offending Team",
            "topic": "Safer routes to school",
            "exchanged_on": str(today - timedelta(2)),
            "personal_data": False,
        }
        self.send("disclosure", "POST", "/exchanges", "school_staff", exchange)
