"""Value objects write each field list once; the stored events keep their old flat layout."""

from dataclasses import fields
from datetime import timedelta
from uuid import UUID

from services.disclosure.api.models import Decide, SubmitRequest
from services.disclosure.application import DisclosureApplication
from services.disclosure.domain.decision import Decision
from services.disclosure.domain.proforma import CONTENT_FIELDS
from services.disclosure.tests.conftest import DISCLOSURE_OFFICER, FULL, NOW

LATER = NOW + timedelta(hours=5)

# Requests and decisions as stored since the first release: one attribute per field.
DECIDED = "decision_id outcome reasoning withheld_categories withheld_reason decided_at facts actor"
SUBMITTED = (
    "requesting_body requesting_officer subject_ref school_id borough categories purpose"
    " necessity lawful_basis urgency urgent_reason submitted_at decision_due confirmation_due"
    " actor originator_topic"
    # The terms of the sharing, added later; events without them read them as null.
    " data_controller direction isa_ref special_category onward_use retain_until"
)
STORED = {
    "services.disclosure.domain.request:DisclosureRequest.Submitted": SUBMITTED.split(),
    "services.disclosure.domain.decision:DecisionSteps.Decided": DECIDED.split(),
    "services.disclosure.domain.decision:DecisionSteps.DecisionCorrected": [
        *DECIDED.split(), "corrects", "correction_reason"
    ],
}  # fmt: skip


def test_requests_and_decisions_are_stored_as_they_always_were(
    app: DisclosureApplication, given_part_disclosure: UUID
) -> None:
    # Given a request from a WrittenRequest, a decision and its correction from Decisions
    decision = app.get_request(given_part_disclosure).decision
    assert decision is not None
    old = decision["decision_id"]
    app.correct_decision(
        given_part_disclosure, old, Decision(**FULL), "why", LATER, DISCLOSURE_OFFICER
    )
    # Then each is stored flat, as older events are, so both read alike
    events = app.recorder.select_events(given_part_disclosure)
    layouts = {
        e.topic: sorted(set(app.mapper.transcoder.decode(e.state)) - {"timestamp"})
        for e in events
        if e.topic in STORED
    }
    assert layouts == {topic: sorted(names) for topic, names in STORED.items()}


def test_the_bodies_carry_the_fields_of_the_value_objects() -> None:
    # Besides the value object's fields, a body may say when it happened (business time).
    assert set(SubmitRequest.model_fields) - {"at"} == set(CONTENT_FIELDS)
    assert set(Decide.model_fields) - {"at"} == {f.name for f in fields(Decision)}
