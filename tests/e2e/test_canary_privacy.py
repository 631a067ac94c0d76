"""Canary personal data goes in through every service's API and comes out nowhere it must not.

Names, a date of birth, an address and free text, each carrying one unusual token, are put in
every free-text field of the four services; once the relays have published, every topic and
dead-letter topic of the run, every service's /metrics and every service's log are searched
for any of them. An actor's pseudonym found on Kafka is then resolved by an auditor, and the
resolution reaches the audit trail.
"""

import re
import uuid
from datetime import UTC, date, datetime, timedelta
from typing import Any

import httpx
import pytest
from ssp_contracts import TOPICS, CloudEvent, dead_letter_topic

from services.incidents.tests.stories import search_body
from services.runtime.pseudonyms import PATTERN
from services.runtime.testing import ServiceProcess, bearer, read_all, wait_for

pytestmark = pytest.mark.stack

TOKEN = f"qzx{uuid.uuid4().hex[:10]}"
NAME = f"Zebedee Quarrington-{TOKEN}"
BORN = "14/03/2011"
ADDRESS = "7 Quincewood Lane, E17 9QZ"
CANARY = f"{NAME}, born {BORN}, of {ADDRESS}"
# What must appear nowhere outside the stores: the token and each part of the canary.
NEEDLES = [TOKEN, "Zebedee", "Quarrington", BORN, "Quincewood", "E17 9QZ"]


def yesterday(hour: int, minute: int = 0) -> str:
    """A time on the most recent weekday."""
    day = datetime.now(UTC) - timedelta(days=1)
    while day.isoweekday() > 5:
        day -= timedelta(days=1)
    return day.replace(hour=hour, minute=minute, second=0, microsecond=0).isoformat()


class Api:
    """One service's HTTP API, as one caller."""

    def __init__(self, url: str, headers: Any) -> None:
        self.client = httpx.Client(base_url=url, timeout=15, headers=dict(headers))

    def post(self, path: str, body: dict[str, Any], **headers: str) -> str:
        answer = self.client.post(path, json=body, headers=headers)
        assert answer.status_code in (200, 201), (path, answer.text)
        return str(answer.json().get("id") or answer.json().get("resolution_id"))


def seed_staffing(url: str, run: str) -> tuple[str, str, str]:
    """A school, an officer deployed there, then notes with the canary; returns their ids."""
    borough, school, officer = f"canary-{run}", f"school-{run}", f"pc-{run}"
    api = Api(url, bearer("borough_supervisor", f"sgt-{run}", borough=borough))
    api.post(
        "/schools",
        {
            "school_id": school,
            "name": "Larkswood School",
            "borough": borough,
            "phase": "secondary",
            "pupil_count": 900,
            "programme": "safer_schools_partnership",
        },
    )
    api.post(
        "/officers",
        {
            "officer_id": officer,
            "rank": "constable",
            "borough": borough,
            "selection_panel": ["police", "school"],
        },
    )
    start = (date.today() - timedelta(days=60)).isoformat()
    # "Agreeing policies and protocols ... prior to the deployment of officers ... is essential"
    signed = (date.today() - timedelta(days=90)).isoformat()
    api.post(
        f"/schools/{school}/protocol",
        {"signed_on": signed, "head_teacher": "J. Head", "borough_commander": "C. Commander"},
    )
    api.post(
        "/deployments",
        {"officer_id": officer, "school_id": school, "share_percent": 100, "start_date": start},
    )
    api.post(
        f"/officers/{officer}/ring-fence",
        {"ring_fenced_from": start, "authorised_by": f"insp-{run}"},
    )
    api.post(
        f"/officers/{officer}/ring-fence/lift",
        {"lifted_on": date.today().isoformat(), "reason": "review", "note": CANARY},
    )
    other = f"pc2-{run}"
    api.post(
        "/officers",
        {"officer_id": other, "rank": "pcso", "borough": borough, "selection_panel": ["police"]},
    )
    ended = api.post(
        "/deployments",
        {"officer_id": other, "school_id": school, "share_percent": 50, "start_date": start},
    )
    api.post(
        f"/deployments/{ended}/end",
        {"ended_on": date.today().isoformat(), "reason": "welfare", "note": CANARY},
    )
    return borough, school, officer  # fmt: skip


def seed_incidents(url: str, school: str, officer: str) -> None:
    """An incident, a search, a phone returned to a named person and an arrest, all canaried."""
    as_officer = Api(url, bearer("school_officer", officer, school=school))
    as_staff = Api(url, bearer("school_staff", f"staff-{TOKEN}", school=school))
    wait_for(
        lambda: as_officer.client.get("/deployments").json(),
        timeout=60,
        what="the deployment in the incidents service's view",
    )
    pupil = f"pupil-{uuid.uuid4().hex[:16]}"
    incident = as_officer.post("/incidents", {
        "school_id": school, "occurred_at": yesterday(10, 40), "location_kind": "premises",
        "category": "drugs", "came_to_notice": "reported_by_staff", "description": CANARY,
        "pupil_refs": [pupil]})  # fmt: skip
    as_officer.post("/searches", search_body(
        school_id=school, incident_id=incident, pupil_ref=pupil,
        searched_at=datetime.fromisoformat(yesterday(10, 53)),
        place_description=CANARY, person=CANARY, grounds=CANARY, found=CANARY,
        injury_or_damage=CANARY, officer_number=TOKEN, station=f"Quincewood {TOKEN}",
        form_reference=f"5090/{TOKEN}"))  # fmt: skip
    # And staff's own search, the school's record, on the school-only topic
    as_staff.post("/searches", search_body(
        school_id=school, pupil_ref=pupil, searched_by="school_staff",
        searched_at=datetime.fromisoformat(yesterday(12, 10)),
        place_description=CANARY, person=CANARY, grounds=CANARY))  # fmt: skip
    item = as_staff.post("/evidence", {"incident_id": incident, "kind": "electronic_device",
                         "description": CANARY, "seized_at": yesterday(10, 55)})  # fmt: skip
    as_staff.post(f"/evidence/{item}/handover", {"officer_id": officer, "handed_at": yesterday(11)})
    as_officer.post(f"/evidence/{item}/disposal", {"transfer": "returned",
                    "reference": f"To {NAME}"[:64], "at": yesterday(14)})  # fmt: skip
    as_officer.post("/arrests", {"incident_id": incident, "pupil_ref": pupil,
                    "arrested_at": yesterday(11, 5), "on_premises": True,
                    "necessity": CANARY})  # fmt: skip


def seed_disclosure(url: str, school: str, borough: str) -> None:
    """A request from submission to release, and a planning exchange, all canaried."""
    officer = Api(url, bearer("school_officer", f"officer-{TOKEN}", school=school))
    head = Api(url, bearer("head_teacher", f"head-{TOKEN}", school=school))
    deciding = Api(url, bearer("disclosure_officer", f"do-{TOKEN}", borough=borough))
    request = officer.post("/requests", {
        "requesting_body": "police", "requesting_officer": NAME,
        "subject_ref": f"pupil-{uuid.uuid4().hex[:16]}", "school_id": school, "borough": borough,
        "urgency": "routine", "categories": ["offending_history"], "purpose": CANARY,
        "necessity": CANARY, "lawful_basis": "cda_1998_s115"})  # fmt: skip
    read = head.client.get(f"/requests/{request}", params={"purpose": "disclosure_decision"})
    content_hash = read.json()["content_hash"]
    head.post(f"/requests/{request}/countersignature", {"content_hash": content_hash})
    deciding.post(f"/requests/{request}/decision", {"outcome": "disclose_full",
                  "reasoning": CANARY})  # fmt: skip
    deciding.post(f"/requests/{request}/release", {"information_shared": CANARY,
                  "recipient_body": "police", "recipient": NAME, "means": "secure_email",
                  "categories_shared": ["offending_history"]})  # fmt: skip
    officer.post("/exchanges", {"school_id": school, "borough": borough,
                 "partner_body": "health", "partner": NAME, "topic": CANARY,
                 "exchanged_on": date.today().isoformat(), "personal_data": False})  # fmt: skip


def found_in(blob: bytes) -> list[str]:
    """The canaries in ``blob`` (case-insensitive)."""
    low = blob.lower()
    return [n for n in NEEDLES if n.lower().encode() in low]


def test_no_canary_reaches_kafka_a_dlq_metrics_or_a_log(fresh_db: Any) -> None:
    run = uuid.uuid4().hex[:8]
    # The four services start side by side (one after another would take four times as long)
    procs = {
        name: ServiceProcess(name, {f"SSP_{name.upper()}_DB_NAME": fresh_db(name)}).spawn()
        for name in ("staffing", "incidents", "disclosure", "reporting")
    }
    try:
        for proc in procs.values():
            proc.wait_ready()
        check_no_canary_escapes(procs, run)
    finally:
        for proc in procs.values():
            proc.stop()


def check_no_canary_escapes(procs: dict[str, ServiceProcess], run: str) -> None:
    """Seed the canaries through the services' APIs, then search every surface for them."""
    # A correlation id that is not a UUID is refused at the door, naming the header
    refused = httpx.get(
        f"{procs['incidents'].url}/incidents",
        headers={**bearer("auditor", "auditor-c"), "X-Correlation-ID": NAME},
    )
    assert refused.status_code == 422
    assert refused.json()["detail"]["field"] == "header.X-Correlation-ID"

    # Given canary personal data in every free-text field of every service
    borough, school, officer = seed_staffing(procs["staffing"].url, run)
    seed_incidents(procs["incidents"].url, school, officer)
    seed_disclosure(procs["disclosure"].url, school, borough)

    # When the relays have published it all (the last command of each service is on Kafka)
    def published() -> list[Any]:
        # The catalogue: every event topic and every dead-letter topic, under the run's prefix
        assert any(t == dead_letter_topic(u) for t in TOPICS for u in TOPICS)
        records = [r for topic in TOPICS for r in read_all(topic)]
        kinds = {dict(r.headers).get("ce_type", b"").decode() for r in records}
        done = ("ring_fence_lifted", "deployment_ended", "arrest_made", "information_exchange")
        return records if all(any(k in t for t in kinds) for k in done) else []

    records = wait_for(published, timeout=90, what="every service's events on Kafka")

    # Then no topic or dead-letter topic of the run carries a canary, in value, key or header
    def whole(r: Any) -> bytes:
        return b"".join([r.value or b"", r.key or b"", *(v or b"" for _, v in r.headers)])

    leaks = [(r.topic, r.offset, found_in(whole(r))) for r in records]
    assert [leak for leak in leaks if leak[2]] == []
    # and every actor on Kafka is a pseudonym
    # (events a service stored name its store in ce_source, /ssp/<service>/<store-id>; other
    # tests of the run also put hand-made events, under /ssp/<service>, on the same topics)
    stored = [
        h for h in (dict(r.headers) for r in records if r.topic.endswith("events"))
        if h.get("ce_source", b"").count(b"/") >= 3
    ]  # fmt: skip
    actors = {h["ce_actorid"].decode() for h in stored}
    ours = [a for a in actors if not a.startswith("actor-")]
    assert ours == [], ours
    # Nor does any service's /metrics or log
    for name, proc in procs.items():
        metrics = httpx.get(f"{proc.url}/metrics", timeout=10).content
        assert found_in(metrics) == [], name
        assert found_in(proc.log_path.read_bytes()) == [], (name, proc.log_path)

    # And an auditor can have staffing resolve the pseudonym of the supervisor who acted
    lifts = [
        CloudEvent.from_kafka(r.headers, r.value)
        for r in records
        if b"ring_fence_lifted" in dict(r.headers).get("ce_type", b"")
    ]
    pseudonym = next(e.actorid for e in lifts if e.data["borough"] == borough)
    assert re.match(PATTERN, pseudonym)
    auditor = Api(procs["staffing"].url, bearer("auditor", f"auditor-{run}"))
    answer = auditor.client.post(
        f"/actors/{pseudonym}/resolution", json={"purpose": "complaint", "reason": CANARY}
    )
    assert answer.status_code == 200, answer.text
    assert answer.json()["sub"] == f"sgt-{run}"
    # and the resolution reaches the audit trail, its reason left behind
    reporting = Api(procs["reporting"].url, bearer("auditor", f"auditor-{run}"))
    entity = answer.json()["resolution_id"]
    [entry] = wait_for(
        lambda: reporting.client.get("/audit", params={"entity": entity}).json(),
        timeout=60,
        what="the resolution in the audit trail",
    )
    assert entry["event_type"] == "uk.police.ssp.staffing.actor_resolved.v1"
    assert entry["data"]["pseudonym"] == pseudonym and found_in(str(entry).encode()) == []
