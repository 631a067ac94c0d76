"""A safeguarding concern raised from an incident or search is referred to children's social care.

Source, Appendix 2, the aims of the partnership: "Sharing information to identify those people
at risk of of becoming victims or offenders as well as those who already are." and Exchange of
Information: "Urgent disclosure in relation to pupils at risk, absent or missing must be a
priority." The referral to the multi-agency safeguarding hub is what a safeguarding lead does.
"""

from datetime import timedelta
from uuid import UUID

import pytest
from fastapi.testclient import TestClient

from services.incidents.application import IncidentsApplication
from services.incidents.domain.search import SearchFacts
from services.incidents.tests.conftest import (
    OTHER_SCHOOL,
    PUPIL,
    SCHOOL,
    actor,
    at,
    listed,
    now,
    officer_headers,
    staff_headers,
)
from services.incidents.tests.stories import search_facts
from services.incidents.translation import translator
from services.runtime.clock import london_day
from services.runtime.domain import RuleViolation, StateConflict
from services.runtime.views_pg import Where

DSL = actor("designated_safeguarding_lead", "dsl-1")


def refer(app: IncidentsApplication, source: str, source_id: UUID, **overrides: object) -> UUID:
    facts: dict[str, object] = {
        "source": source, "source_id": source_id, "pupil_ref": PUPIL, "concern": "neglect",
        "details": "Arrives hungry, same clothes all week", "referred_at": at(1, 14),
        "follow_up_due": london_day(now()) + timedelta(days=3), "now": now(), "actor": DSL,
    }  # fmt: skip
    return app.refer_safeguarding(**{**facts, **overrides})  # type: ignore[arg-type]


def outstanding(app: IncidentsApplication) -> list[str]:
    rows = listed(app, Where(equal={"kind": "safeguarding"}, null=("closed_at",)))
    return [r["id"] for r in rows]


def test_a_referral_stays_outstanding_until_closed_after_its_outcome(
    app: IncidentsApplication, given_reported_incident: UUID
) -> None:
    referral = refer(app, "incident", given_reported_incident)
    assert outstanding(app) == [str(referral)]
    # It cannot be closed before social care has answered
    with pytest.raises(RuleViolation) as early:
        app.close_referral(referral, closed_at=at(0, 9), now=now(), actor=DSL)
    assert early.value.rule == "safeguarding-outcome-first"
    app.record_safeguarding_outcome(
        referral, outcome="early_help", recorded_at=at(0, 9),
        follow_up_due=london_day(now()) + timedelta(days=30), notes="Family support worker",
        now=now(), actor=DSL,
    )  # fmt: skip
    assert outstanding(app) == [str(referral)]
    app.close_referral(referral, closed_at=at(0, 10), now=now(), actor=DSL)
    assert outstanding(app) == []
    with pytest.raises(StateConflict) as closed:
        app.close_referral(referral, closed_at=at(0, 10), now=now(), actor=DSL)
    assert closed.value.rule == "referral-closed"


def test_a_referral_from_a_search_names_its_pupil_and_follows_it(
    app: IncidentsApplication,
) -> None:
    facts = SearchFacts(**search_facts(), officer_id="officer-001")
    search = app.record_search(facts, now=now(), actor=actor())
    with pytest.raises(RuleViolation) as other:
        refer(app, "search", search, pupil_ref="pupil-00000000000f")
    assert (other.value.rule, other.value.field) == ("safeguarding-pupil", "pupil_ref")
    with pytest.raises(RuleViolation) as before:
        refer(app, "search", search, follow_up_due=london_day(at(1, 14)) - timedelta(days=1))
    assert (before.value.rule, before.value.field) == ("follow-up-date", "follow_up_due")
    assert refer(app, "search", search)


def test_nothing_personal_about_the_concern_reaches_kafka(
    app: IncidentsApplication, given_reported_incident: UUID
) -> None:
    refer(app, "incident", given_reported_incident)
    notifications = app.recorder.select_notifications(1, 100)
    messages = [translator.message(app.mapper.to_domain_event(n)) for n in notifications]
    made = next(m for m in messages if m is not None and b"referral_id" in m.value)
    assert made.topic == "ssp.incidents.school"
    for secret in (b"hungry", b"neglect", PUPIL.encode()):
        assert secret not in made.value


def test_the_safeguarding_lead_refers_and_lists_through_the_api(
    client: TestClient, given_reported_incident_via_api: str
) -> None:
    dsl = staff_headers(role="designated_safeguarding_lead")
    body = {
        "source": "incident", "source_id": given_reported_incident_via_api, "pupil_ref": PUPIL,
        "concern": "exploitation", "details": "Seen with older youths after school",
        "referred_at": at(0, 9).isoformat(),
        "follow_up_due": str(london_day(now()) + timedelta(days=2)),
    }  # fmt: skip
    staff = client.post("/safeguarding-referrals", json=body, headers=staff_headers())
    assert (staff.status_code, staff.json()["detail"]["rule"]) == (403, "role-not-permitted")
    bad = client.post("/safeguarding-referrals", json={**body, "concern": "worry"}, headers=dsl)
    assert (bad.status_code, bad.json()["detail"]["field"]) == (422, "concern")
    elsewhere = staff_headers(OTHER_SCHOOL, role="designated_safeguarding_lead")
    hidden = client.post("/safeguarding-referrals", json=body, headers=elsewhere)
    assert (hidden.status_code, hidden.json()["detail"]["rule"]) == (404, "not-found")
    made = client.post("/safeguarding-referrals", json=body, headers=dsl)
    assert made.status_code == 201, made.text
    referral = made.json()["id"]
    listed = client.get("/safeguarding-referrals/outstanding", headers=officer_headers()).json()
    assert [(r["id"], r["school_id"], r["follow_up_overdue"]) for r in listed] == [
        (referral, SCHOOL, False)
    ]
    by_officer = client.post(
        f"/safeguarding-referrals/{referral}/outcome",
        json={"outcome": "child_in_need", "recorded_at": at(0, 10).isoformat()},
        headers=officer_headers(),
    )
    assert (by_officer.status_code, by_officer.json()["detail"]["rule"]) == (
        403,
        "role-not-permitted",
    )
    outcome = {"outcome": "child_in_need", "recorded_at": at(0, 10).isoformat()}
    url = f"/safeguarding-referrals/{referral}"
    assert client.post(f"{url}/outcome", json=outcome, headers=dsl).status_code == 200
    closure = {"closed_at": at(0, 11).isoformat()}
    assert client.post(f"{url}/closure", json=closure, headers=dsl).status_code == 200
    assert client.get(url, headers=dsl).json()["outcomes"][0]["outcome"] == "child_in_need"
    assert client.get("/safeguarding-referrals/outstanding", headers=dsl).json() == []
