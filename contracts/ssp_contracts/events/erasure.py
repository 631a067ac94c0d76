"""Erasures of data subjects: each store announces, on its own events topic, that it destroyed
a subject's key, naming only the pseudonym that subject's events carried."""

from datetime import datetime
from typing import ClassVar, Literal

from pydantic import Field

from ssp_contracts.registry import EventPayload, register

# Why a subject was erased: a request under the law that governs the processing (DPA 2018
# Part 3 s47 for law enforcement, UK GDPR Article 17 otherwise), an order, or the retention
# schedule reaching the record's end.
LegalBasis = Literal["dpa-2018-s47", "uk-gdpr-article-17", "court-order", "retention-schedule"]
SubjectKind = Literal["pupil", "person", "staff", "subject"]


class _SubjectErased(EventPayload):
    """A subject's data key was destroyed: its sealed details are erased in every copy."""

    pseudonym: str = Field(
        pattern=r"^[a-z]{2,16}-[0-9a-f]{32}$",
        max_length=49,
        description="The pseudonym the subject's events carried; nothing links it to anyone now",
    )
    subject_kind: SubjectKind = Field(description="Kind of subject erased")
    legal_basis: LegalBasis = Field(description="Why the subject was erased")
    erased_at: datetime = Field(description="When the key was destroyed")


@register
class IncidentsSubjectErased(_SubjectErased):
    """The incidents store erased a pupil or person searched."""

    event_type: ClassVar[str] = "uk.police.ssp.incidents.subject_erased.v1"
    topic: ClassVar[str] = "ssp.incidents.events"


@register
class DisclosureSubjectErased(_SubjectErased):
    """The disclosure store erased the subject of a request (a pupil, person or member of staff)."""

    event_type: ClassVar[str] = "uk.police.ssp.disclosure.subject_erased.v1"
    topic: ClassVar[str] = "ssp.disclosure.events"
