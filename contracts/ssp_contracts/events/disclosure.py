"""Events of the disclosure service (topic ssp.disclosure.events).

Section 115 Crime and Disorder Act 1998 requests and the planning exchanges logged
beside them. Free text (purpose, necessity, reasoning, what exactly was shared, names
of officers and recipients) may name people and never leaves the service; these
contracts carry pseudonymous references, enumerated categories and the timestamps
reporting needs for turnaround (submitted, decided, released).
"""

from datetime import date, datetime
from typing import ClassVar, Literal

from pydantic import Field

from ssp_contracts.events.common import AggregateId, Borough, PersonRef, SchoolId
from ssp_contracts.registry import EventPayload, register

DISCLOSURE = "ssp.disclosure.events"
SHA256 = r"^[0-9a-f]{64}$"

RequestingBody = Literal["police", "local_authority", "school", "probation", "health"]
Urgency = Literal["routine", "urgent"]
UrgentReason = Literal["pupil_at_risk", "pupil_absent", "pupil_missing"]
InformationCategory = Literal[
    "attendance",
    "exclusions",
    "behaviour",
    "contact_details",
    "family_circumstances",
    "safeguarding_concerns",
    "special_educational_needs",
    "health",
    "offending_history",
]
LawfulBasis = Literal[
    "cda_1998_s115",
    "dpa_2018_sch2_para2",
    "children_act_1989_s47",
    "children_act_2004_s11",
    "consent",
]
Outcome = Literal["disclose_full", "disclose_part", "refuse"]
ReleaseMeans = Literal["secure_email", "secure_portal", "recorded_post", "in_person", "telephone"]
# Who holds the data asked for (the data controller), and which way it flows (ICO data sharing
# code: who decides, under which agreement, what the recipient may do with it and for how long).
DataController = Literal["school", "police"]
SharingDirection = Literal["police_to_school", "school_to_police"]
OnwardUse = Literal[
    "stated_purpose_only",
    "no_onward_sharing",
    "share_with_named_partners",
    "court_proceedings",
    "safeguarding_referral",
]
ISA_REF = r"^[A-Za-z0-9][A-Za-z0-9/._-]{2,39}$"
ProFormaField = Literal["requesting_officer", "categories", "purpose", "necessity", "lawful_basis"]


class RequestEvent(EventPayload):
    """Fields every request event carries, so one event suffices for turnaround figures."""

    request_id: AggregateId
    school_id: SchoolId
    borough: Borough
    urgency: Urgency = Field(description="Urgent requests jump the queue and have a deadline")
    submitted_at: datetime = Field(description="When the request was submitted")


@register
class RequestSubmitted(RequestEvent):
    """A Section 115 request for information was submitted."""

    event_type: ClassVar[str] = "uk.police.ssp.disclosure.request_submitted.v1"
    topic: ClassVar[str] = DISCLOSURE

    subject_ref: PersonRef
    requesting_body: RequestingBody = Field(description="Relevant authority asking")
    urgent_reason: UrgentReason | None = Field(description="Why it is urgent; null if routine")
    categories: list[InformationCategory] = Field(
        max_length=20, description="Categories of information asked"
    )
    lawful_basis: LawfulBasis | None = Field(description="Lawful basis; null until in writing")
    missing_fields: list[ProFormaField] = Field(
        max_length=10, description="Pro forma fields still missing (urgent requests only)"
    )
    decision_due: datetime | None = Field(description="Decision deadline of an urgent request")
    confirmation_due: datetime | None = Field(
        description="When the written confirmation of an urgent request falls due"
    )
    countersignature_required: bool = Field(
        description="About a pupil: the school's head teacher must countersign"
    )
    # Optional so that v1 stays compatible; every writer since fills them (null before).
    data_controller: DataController | None = Field(
        default=None, description="Who holds the data: school (head teacher) or police"
    )
    direction: SharingDirection | None = Field(default=None, description="Which way it flows")
    isa_ref: str | None = Field(
        default=None, pattern=ISA_REF, max_length=40, description="Information-sharing agreement"
    )
    special_category: bool | None = Field(
        default=None, description="Special-category data (health, SEN) is involved"
    )
    onward_use: list[OnwardUse] | None = Field(
        default=None, max_length=5, description="What the recipient may do with it"
    )
    retain_until: date | None = Field(
        default=None, description="When the recipient deletes what it received"
    )


@register
class RequestAmended(RequestEvent):
    """The written request was changed; any countersignature is void."""

    event_type: ClassVar[str] = "uk.police.ssp.disclosure.request_amended.v1"
    topic: ClassVar[str] = DISCLOSURE

    amended_at: datetime = Field(description="When the change was recorded")
    changed_fields: list[ProFormaField] = Field(
        max_length=10, description="Which pro forma fields changed"
    )
    written_confirmation: bool = Field(
        description="True when this change is the written confirmation of an urgent request"
    )
    signature_voided: bool = Field(description="A countersignature was voided by the change")
    missing_fields: list[ProFormaField] = Field(
        max_length=10, description="Pro forma fields still missing"
    )
    content_hash: str = Field(
        pattern=SHA256,
        max_length=64,
        description="SHA-256 of the request's content after the change",
    )


@register
class RequestCountersigned(RequestEvent):
    """The head teacher of the school countersigned the request as it then read."""

    event_type: ClassVar[str] = "uk.police.ssp.disclosure.request_countersigned.v1"
    topic: ClassVar[str] = DISCLOSURE

    signed_at: datetime = Field(description="When the head teacher signed")
    content_hash: str = Field(
        pattern=SHA256, max_length=64, description="SHA-256 of the request's content as signed"
    )


class DecisionEvent(RequestEvent):
    """Fields of a decision and of its corrections."""

    decision_id: AggregateId
    outcome: Outcome = Field(description="Disclose in full, disclose in part, or refuse")
    withheld_categories: list[InformationCategory] = Field(
        max_length=20, description="Categories withheld by a partial disclosure"
    )
    decided_at: datetime = Field(description="When this decision was taken")
    decision_due: datetime | None = Field(description="Deadline of an urgent request")
    deadline_met: bool | None = Field(description="Decided by the deadline; null if none")


@register
class DecisionRecorded(DecisionEvent):
    """A disclosure officer of the borough decided the request."""

    event_type: ClassVar[str] = "uk.police.ssp.disclosure.decision_recorded.v1"
    topic: ClassVar[str] = DISCLOSURE


@register
class DecisionCorrected(DecisionEvent):
    """A decision was corrected by a new decision that references it."""

    event_type: ClassVar[str] = "uk.police.ssp.disclosure.decision_corrected.v1"
    topic: ClassVar[str] = DISCLOSURE

    corrects: AggregateId = Field(description="decision_id of the decision it replaces")


@register
class DisclosureReleased(RequestEvent):
    """Information was released after a decision to disclose."""

    event_type: ClassVar[str] = "uk.police.ssp.disclosure.disclosure_released.v1"
    topic: ClassVar[str] = DISCLOSURE

    decision_id: AggregateId = Field(description="The decision the release carries out")
    decided_at: datetime = Field(description="When that decision was taken")
    released_at: datetime = Field(description="When the information was shared")
    categories_shared: list[InformationCategory] = Field(
        max_length=20, description="What was shared"
    )
    recipient_body: RequestingBody = Field(description="The authority it was shared with")
    means: ReleaseMeans = Field(description="How it was shared")


@register
class RequestClosed(RequestEvent):
    """The request was closed; its record is kept until the retention review."""

    event_type: ClassVar[str] = "uk.police.ssp.disclosure.request_closed.v1"
    topic: ClassVar[str] = DISCLOSURE

    closed_at: datetime = Field(description="When the request was closed")
    outcome: Outcome = Field(description="The standing decision at closure")
    decided_at: datetime = Field(description="When the standing decision was taken")
    released_at: datetime | None = Field(description="When released; null if nothing was")
    retention_review_on: date = Field(description="When the record is reviewed for deletion")


@register
class InformationExchangeLogged(EventPayload):
    """Non-personal information was exchanged for planning or problem solving."""

    event_type: ClassVar[str] = "uk.police.ssp.disclosure.information_exchange_logged.v1"
    topic: ClassVar[str] = DISCLOSURE

    exchange_id: AggregateId
    school_id: SchoolId
    borough: Borough
    partner_body: RequestingBody = Field(description="The body information was exchanged with")
    exchanged_on: date = Field(description="The day of the exchange")
