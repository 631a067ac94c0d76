"""Subject rights: consultations of personal data (DPA 2018 s62 logging) and rectifications.

Every read of a person's details, export and chronology is an event of the service that holds
the data, on that service's topic: who (the envelope's actor), when, why (a purpose from the
vocabulary below) and what (the record's id or the subject's pseudonymous reference). No free
text: the purpose is a vocabulary value, never a sentence.
"""

from datetime import datetime
from typing import ClassVar, Literal, get_args

from pydantic import Field

from ssp_contracts.events.common import AggregateId, PersonRef, SchoolId
from ssp_contracts.registry import EventPayload, register

# Why a record was consulted: the "justification" s62(3)(a) asks the log to show.
ConsultationPurpose = Literal[
    "investigation",
    "safeguarding",
    "case_management",
    "supervision",
    "disclosure_decision",
    "audit",
    "subject_access",
    "legal_proceedings",
    "statistics",
]
CONSULTATION_PURPOSES: tuple[str, ...] = get_args(ConsultationPurpose)

# What was consulted: one record by id, or a view spanning records (export, chronology).
ConsultedRecordKind = Literal[
    "incident",
    "search",
    "evidence",
    "arrest",
    "disclosure_request",
    "searches_export",
    "register_export",
    "pupil_chronology",
    "subject_access",
]


class PersonalDataConsulted(EventPayload):
    """Fields every consultation event carries, whichever service logged it."""

    consultation_id: AggregateId
    record_kind: ConsultedRecordKind = Field(description="What kind of record or view was read")
    record_id: AggregateId | None = Field(
        default=None, description="Id of the record read; absent for exports and chronologies"
    )
    subject_ref: PersonRef | None = Field(
        default=None, description="Pseudonymous reference of the person the view was about"
    )
    school_id: SchoolId | None = Field(default=None, description="School of the record, if one")
    purpose: ConsultationPurpose = Field(description="Why the caller consulted it")
    restricted: bool = Field(
        default=False, description="A restricted record (an allegation against staff)"
    )
    records: int = Field(
        default=1, ge=0, le=10_000_000, description="How many records the answer held"
    )
    consulted_at: datetime = Field(description="When the data was read")


@register
class IncidentsDataConsulted(PersonalDataConsulted):
    """Personal data held by the incidents service was consulted."""

    event_type: ClassVar[str] = "uk.police.ssp.incidents.personal_data_consulted.v1"
    topic: ClassVar[str] = "ssp.incidents.events"


@register
class DisclosureDataConsulted(PersonalDataConsulted):
    """Personal data held by the disclosure service was consulted."""

    event_type: ClassVar[str] = "uk.police.ssp.disclosure.personal_data_consulted.v1"
    topic: ClassVar[str] = "ssp.disclosure.events"


# Fields of incidents' records a rectification may correct (their values stay in the store).
RectifiedField = Literal[
    "description", "person", "grounds", "found", "injury_or_damage", "place_description"
]


@register
class IncidentsDataRectified(EventPayload):
    """A personal detail of an incident or a search was corrected (the original kept in history).

    Only which field changed travels; the old and new values and the reason stay in the store.
    """

    event_type: ClassVar[str] = "uk.police.ssp.incidents.personal_data_rectified.v1"
    topic: ClassVar[str] = "ssp.incidents.events"

    record_kind: Literal["incident", "search"] = Field(description="Kind of record corrected")
    record_id: AggregateId
    school_id: SchoolId
    field: RectifiedField = Field(description="Which personal detail was corrected")
    rectified_at: datetime = Field(description="When the correction was recorded")
