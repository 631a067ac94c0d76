"""Every staffing domain event leaves the service as a valid contract event, or stays inside."""

import json
from datetime import UTC, date, datetime
from uuid import UUID

import jsonschema
from ssp_contracts import all_event_types
from ssp_contracts.schemas import schema_path

from services.runtime.actors_api import ActorResolution
from services.runtime.domain import Actor
from services.staffing.application import StaffingApplication
from services.staffing.tests.conftest import SUPERVISOR, TERM, register_school
from services.staffing.translation import translator


def test_each_event_of_a_busy_term_validates_against_its_schema(
    app: StaffingApplication, given_rostered_officer: UUID
) -> None:
    # Given a term with a ring-fence, an abstraction that breaches it, edits and an absence
    now = datetime(2025, 10, 1, 12, tzinfo=UTC)
    register_school(app, "chase-lane", "primary")
    app.form_cluster("warwick-boys", ["chase-lane"], SUPERVISOR)
    app.sign_protocol("warwick-boys", date(2026, 2, 2), SUPERVISOR, "J. Head", "C. Commander")
    app.record_review("warwick-boys", date(2026, 3, 2), SUPERVISOR, "Minutes", ["Patrol gates"])
    census = {"White": 400, "Black": 250, "Asian": 150, "Mixed": 70, "Other": 30}
    app.record_census("warwick-boys", date(2025, 10, 2), census, SUPERVISOR)
    app.complete_training("pc-1234", 3, date(2025, 9, 5), SUPERVISOR)
    app.ring_fence("pc-1234", date(2025, 9, 1), "insp-9", SUPERVISOR)
    app.record_abstraction(
        "pc-1234", shift_date=date(2025, 9, 10), hours=2.5, category="aid_local",
        authorised_by="insp-9", exceptional=False, school_notified_at=now,
        note="Called to a disturbance near the school", now=now, actor=SUPERVISOR,
    )  # fmt: skip
    app.lift_ring_fence(
        "pc-1234", date(2025, 11, 1), "review", "Reviewed by the inspector", SUPERVISOR
    )
    app.amend_shift("pc-1234", TERM, date(2025, 9, 11), None, 6.0, SUPERVISOR)
    app.cancel_shift("pc-1234", TERM, date(2025, 9, 12), SUPERVISOR)
    app.notify_absence(
        "pc-1234", "annual_leave", date(2025, 10, 20), date(2025, 10, 24), None, now, SUPERVISOR
    )
    deployment_id = app.deployments_of("pc-1234")[0].id
    app.extend_deployment(deployment_id, date(2029, 9, 1), SUPERVISOR)
    app.end_deployment(deployment_id, date(2026, 7, 20), "transfer", "Moves to Camden", SUPERVISOR)
    sergeant = translator.pseudonyms.of("sgt-100")
    auditor = Actor("auditor-1", "auditor", "c-1")
    app.save(ActorResolution(sergeant, "complaint", "Inspector's query", True, now, auditor))
    # When every stored event is translated
    types = []
    for notification in app.recorder.select_notifications(1, 1000):
        event = app.mapper.to_domain_event(notification)
        cloud_event = translator.translate(event)
        if cloud_event is None:
            continue
        # Then each validates against the committed schema of its type
        schema = json.loads(schema_path(cloud_event.type).read_text())
        jsonschema.validate(cloud_event.data, schema)
        # and names its actor by the pseudonym only staffing can resolve
        assert cloud_event.actorid in {sergeant, translator.pseudonyms.of("auditor-1")}
        # And no free-text note leaves the service
        assert "inspector" not in json.dumps(cloud_event.data)
        assert "disturbance" not in json.dumps(cloud_event.data)
        assert "Camden" not in json.dumps(cloud_event.data)
        types.append(cloud_event.type)
    # And the story covers every staffing event type
    assert set(types) == {t for t in all_event_types() if ".staffing." in t}
