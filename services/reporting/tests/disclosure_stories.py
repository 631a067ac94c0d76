"""Deployments and Section 115 requests of the hand-worked autumn term."""

from datetime import date, datetime, timedelta
from typing import Any

from ssp_contracts.events import disclosure as d
from ssp_contracts.events import staffing as s

from services.reporting.tests.builders import received
from services.reporting.tests.performance_stories import NOV, pupil, uid
from services.runtime.projection import ReceivedEvent


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
