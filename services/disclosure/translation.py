"""Domain events of the disclosure service mapped to their contract events.

Free text (purpose, necessity, reasoning, what was shared, names of officers and
recipients, exchange topics) stays in the encrypted event store: the contracts carry
references, categories and timestamps only. Every request event carries ``facts``, the
request's school, borough, urgency and times as they stood, so that each contract event
is complete on its own. The subject's reference leaves as the subject's pseudonym.
"""

from typing import Any

from ssp_contracts.events import actors
from ssp_contracts.events import disclosure as c
from ssp_contracts.events.consultations import DisclosureDataConsulted
from ssp_contracts.events.erasure import DisclosureSubjectErased

from services.disclosure.domain import DisclosureRequest, InformationExchange
from services.disclosure.domain.completion import CompletionSteps
from services.disclosure.domain.controller import SHARING_FIELDS
from services.disclosure.domain.decision import DecisionSteps
from services.disclosure.domain.proforma import missing_fields
from services.runtime.actors_api import ActorResolution, resolved_payload
from services.runtime.consultations import publish_consultations
from services.runtime.erasure import map_erasures
from services.runtime.sealed import published
from services.runtime.translation import Translator

translator = Translator(source="/ssp/disclosure")
publish_consultations(translator, DisclosureDataConsulted)
map_erasures(translator, DisclosureSubjectErased)
_COMMON = ("school_id", "borough", "urgency", "submitted_at")


def _common(e: Any) -> dict[str, Any]:
    return {"request_id": str(e.originator_id), **{k: e.facts[k] for k in _COMMON}}


@translator.maps(DisclosureRequest.Submitted)
def _submitted(e: DisclosureRequest.Submitted) -> c.RequestSubmitted:
    form = {"requesting_officer": e.requesting_officer, "categories": e.categories}
    form.update(purpose=e.purpose, necessity=e.necessity, lawful_basis=e.lawful_basis)
    return c.RequestSubmitted.model_validate(
        {
            "request_id": str(e.originator_id),
            "school_id": e.school_id,
            "borough": e.borough,
            "urgency": e.urgency,
            "submitted_at": e.submitted_at,
            "subject_ref": published(e.subject_ref),
            "requesting_body": e.requesting_body,
            "urgent_reason": e.urgent_reason,
            "categories": e.categories or [],
            "lawful_basis": e.lawful_basis,
            "missing_fields": missing_fields(form),
            "decision_due": e.decision_due,
            "confirmation_due": e.confirmation_due,
            # The head teacher signs every request (Appendix 2), whatever its subject.
            "countersignature_required": True,
            # The terms of the sharing: vocabularies, a flag, a date and the agreement's code.
            **{name: getattr(e, name) for name in SHARING_FIELDS},
        }
    )


@translator.maps(DisclosureRequest.Amended)
def _amended(e: DisclosureRequest.Amended) -> c.RequestAmended:
    return c.RequestAmended.model_validate(
        {
            **_common(e),
            "amended_at": e.amended_at,
            "changed_fields": e.facts["changed_fields"],
            "written_confirmation": e.written_confirmation,
            "signature_voided": e.signature_voided,
            "missing_fields": e.facts["missing_fields"],
            "content_hash": e.facts["content_hash"],
        }
    )


@translator.maps(DisclosureRequest.Countersigned)
def _countersigned(e: DisclosureRequest.Countersigned) -> c.RequestCountersigned:
    return c.RequestCountersigned.model_validate(
        {**_common(e), "signed_at": e.signed_at, "content_hash": e.content_hash}
    )


def _decision(e: DecisionSteps.Decided | DecisionSteps.DecisionCorrected) -> dict[str, Any]:
    due = e.facts["decision_due"]
    return {
        **_common(e),
        "decision_id": e.decision_id,
        "outcome": e.outcome,
        "withheld_categories": e.withheld_categories,
        "decided_at": e.decided_at,
        "decision_due": due,
        "deadline_met": None if due is None else e.decided_at <= due,
    }


@translator.maps(DecisionSteps.Decided)
def _decided(e: DecisionSteps.Decided) -> c.DecisionRecorded:
    # The reasoning may name people: it stays in the register.
    return c.DecisionRecorded.model_validate(_decision(e))


@translator.maps(DecisionSteps.DecisionCorrected)
def _corrected(e: DecisionSteps.DecisionCorrected) -> c.DecisionCorrected:
    return c.DecisionCorrected.model_validate({**_decision(e), "corrects": e.corrects})


@translator.maps(CompletionSteps.Released)
def _released(e: CompletionSteps.Released) -> c.DisclosureReleased:
    # What exactly was shared and the recipient's name stay in the register.
    return c.DisclosureReleased.model_validate(
        {
            **_common(e),
            "decision_id": e.facts["decision_id"],
            "decided_at": e.facts["decided_at"],
            "released_at": e.released_at,
            "categories_shared": e.categories_shared,
            "recipient_body": e.recipient_body,
            "means": e.means,
        }
    )


@translator.maps(CompletionSteps.Closed)
def _closed(e: CompletionSteps.Closed) -> c.RequestClosed:
    return c.RequestClosed.model_validate(
        {
            **_common(e),
            "closed_at": e.closed_at,
            "outcome": e.facts["outcome"],
            "decided_at": e.facts["decided_at"],
            "released_at": e.facts["released_at"],
            "retention_review_on": e.retention_review_on,
        }
    )


@translator.maps(InformationExchange.Logged)
def _exchange(e: InformationExchange.Logged) -> c.InformationExchangeLogged:
    # The partner's name and the topic are free text: they stay in the register.
    return c.InformationExchangeLogged(
        exchange_id=str(e.originator_id),
        school_id=e.school_id,
        borough=e.borough,
        partner_body=e.partner_body,
        exchanged_on=e.exchanged_on,
    )


@translator.maps(ActorResolution.Resolved)
def _actor_resolved(e: ActorResolution.Resolved) -> actors.DisclosureActorResolved:
    # The auditor's reason stays in the store; the audit trail learns pseudonym and purpose.
    return resolved_payload(e, actors.DisclosureActorResolved)
