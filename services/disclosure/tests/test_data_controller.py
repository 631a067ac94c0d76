"""Who holds the data: the controller's categories, the direction, and who decides and releases.

Appendix 2: "Section 115 Crime and Disorder Act 1998 enables the sharing of confidential
information between local authorities, schools and police." and "Waltham Forest Police have a
dedicated disclosure officer ... Records of all disclosures are kept." The school's own records
(attendance, SEN, health, exclusions) are the school's to release, by its head teacher.
"""

import hashlib
import json
from datetime import date, timedelta
from typing import Any
from uuid import uuid4

import pytest

from services.disclosure.application import DisclosureApplication
from services.disclosure.domain.controller import SHARING_FIELDS
from services.disclosure.domain.decision import Decision
from services.disclosure.tests.conftest import (
    DISCLOSURE_OFFICER,
    FULL,
    HEAD,
    NOW,
    OFFICER,
    OTHER_HEAD,
    register_of,
    routine_form,
    submit,
)
from services.runtime.domain import Forbidden, RuleViolation

SIGNED, DECIDED = NOW + timedelta(hours=1), NOW + timedelta(hours=2)
SCHOOL_HELD: dict[str, Any] = {
    "data_controller": "school",
    "direction": "school_to_police",
    "isa_ref": "ISA-WF-2025-03",
    "categories": ["attendance", "special_educational_needs"],
    "special_category": True,
    "onward_use": ["stated_purpose_only"],
    "retain_until": date(2027, 11, 23),
}


def signed_request(app: DisclosureApplication, **overrides: Any) -> Any:
    """A countersigned request of ``routine_form(**overrides)``."""
    request_id = submit(app, routine_form(**overrides))
    app.countersign(request_id, app.get_request(request_id).content_hash, SIGNED, HEAD)
    return request_id


def refusal(call: Any) -> RuleViolation | Forbidden:
    with pytest.raises((RuleViolation, Forbidden)) as caught:
        call()
    return caught.value


def test_a_request_without_terms_is_police_held_shared_for_its_stated_purpose_only(
    app: DisclosureApplication,
) -> None:
    request = app.get_request(submit(app, routine_form()))
    assert request.data_controller == "police"
    assert request.direction == "police_to_school"
    assert request.onward_use == ["stated_purpose_only", "no_onward_sharing"]
    assert request.special_category is False


def test_school_held_categories_are_not_asked_of_the_police(app: DisclosureApplication) -> None:
    error = refusal(lambda: submit(app, routine_form(categories=["attendance", "behaviour"])))
    assert (error.rule, error.field) == ("category-held-by-school", "categories")


def test_police_records_are_not_asked_of_the_school(app: DisclosureApplication) -> None:
    form = routine_form(**{**SCHOOL_HELD, "categories": ["offending_history"]})
    error = refusal(lambda: submit(app, form))
    assert (error.rule, error.field) == ("category-held-by-police", "categories")


def test_data_flows_from_its_controller(app: DisclosureApplication) -> None:
    form = routine_form(**{**SCHOOL_HELD, "direction": "police_to_school"})
    error = refusal(lambda: submit(app, form))
    assert (error.rule, error.field) == ("direction-not-from-controller", "direction")


def test_health_and_sen_are_special_category_data(app: DisclosureApplication) -> None:
    error = refusal(lambda: submit(app, routine_form(**{**SCHOOL_HELD, "special_category": False})))
    assert (error.rule, error.field) == ("special-category-undeclared", "special_category")
    undeclared = routine_form(**{**SCHOOL_HELD, "special_category": None})
    assert app.get_request(submit(app, undeclared)).special_category is True


def test_the_retention_date_lies_after_the_submission(app: DisclosureApplication) -> None:
    form = routine_form(**{**SCHOOL_HELD, "retain_until": date(2026, 11, 23)})
    error = refusal(lambda: submit(app, form))
    assert (error.rule, error.field) == ("retention-date-in-past", "retain_until")


def test_an_amendment_cannot_add_school_records_to_a_police_request(
    app: DisclosureApplication,
) -> None:
    request_id = submit(app, routine_form())
    error = refusal(
        lambda: app.amend_request(request_id, {"categories": ["health"]}, SIGNED, OFFICER)
    )
    assert error.rule == "category-held-by-school"


def test_the_head_teacher_decides_on_and_releases_school_held_data(
    app: DisclosureApplication,
) -> None:
    request_id = signed_request(app, **SCHOOL_HELD)
    for actor in (DISCLOSURE_OFFICER, OTHER_HEAD):
        error = refusal(lambda a=actor: app.decide(request_id, Decision(**FULL), DECIDED, a))
        assert (error.status_code, error.rule) == (403, "school-data-released-by-head-teacher")
    app.decide(request_id, Decision(**FULL), DECIDED, HEAD)
    release = {
        "categories_shared": ["attendance"],
        "information_shared": "Attendance marks for the week of 16 November",
        "recipient_body": "police",
        "recipient": "PC 123, Leyton",
        "means": "secure_email",
    }
    error = refusal(lambda: app.record_release(request_id, release, DECIDED, DISCLOSURE_OFFICER))
    assert error.rule == "school-data-released-by-head-teacher"
    app.record_release(request_id, release, DECIDED, HEAD)
    app.close_request(request_id, date(2032, 12, 1), DECIDED, HEAD)
    [entry] = register_of(app, "waltham-forest")
    assert (entry.status, entry.data_controller, entry.isa_ref) == (
        "closed", "school", "ISA-WF-2025-03"
    )  # fmt: skip
    assert entry.decided_by == entry.released_by == HEAD.id


def test_the_police_disclosure_officer_decides_on_police_held_data(
    app: DisclosureApplication,
) -> None:
    request_id = signed_request(app)
    error = refusal(lambda: app.decide(request_id, Decision(**FULL), DECIDED, HEAD))
    assert (error.status_code, error.rule) == (403, "police-data-decided-by-disclosure-officer")
    app.decide(request_id, Decision(**FULL), DECIDED, DISCLOSURE_OFFICER)


def test_a_request_stored_before_the_terms_reads_them_as_null_and_keeps_its_hash() -> None:
    # Given a Submitted event stored without the terms of the sharing (as older events are)
    app = DisclosureApplication()
    [stored] = app.recorder.select_events(submit(app, routine_form()))
    event, request_id = app.mapper.to_domain_event(stored), uuid4()
    for name in ("data_controller", "direction", "isa_ref", "special_category", "onward_use"):
        del event.__dict__[name]
    del event.__dict__["retain_until"]
    event.__dict__["originator_id"] = request_id
    app.recorder.insert_events([app.mapper.to_stored_event(event)])
    # When it is read, its terms are null, its hash is that of its content alone
    request = app.get_request(request_id)
    assert (request.data_controller, request.onward_use, request.retain_until) == (None,) * 3
    before = {k: v for k, v in request.content().items() if k not in SHARING_FIELDS}
    before["categories"] = sorted(before["categories"])
    text = json.dumps(before, sort_keys=True, separators=(",", ":"), default=str)
    assert request.content_hash == hashlib.sha256(text.encode()).hexdigest()
    # And, as before, the disclosure officer decides it once the head teacher has signed
    app.countersign(request_id, request.content_hash, SIGNED, HEAD)
    app.decide(request_id, Decision(**FULL), DECIDED, DISCLOSURE_OFFICER)
