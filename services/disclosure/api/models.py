"""Bodies of the HTTP commands (shapes only; the domain checks the rules)."""

from dataclasses import fields
from datetime import date
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field
from ssp_contracts.events.common import AggregateId, Borough, PersonRef, SchoolId
from ssp_contracts.events.disclosure import (
    ISA_REF,
    SHA256,
    DataController,
    InformationCategory,
    LawfulBasis,
    OnwardUse,
    Outcome,
    ReleaseMeans,
    RequestingBody,
    SharingDirection,
    Urgency,
    UrgentReason,
)

from services.disclosure.domain.decision import Decision
from services.disclosure.domain.proforma import WrittenRequest
from services.runtime.endpoint import Recorded
from services.runtime.inputs import Day, FreeText, Instant
from services.runtime.inputs import Text as OneLine

Text = Annotated[FreeText, Field(min_length=1, max_length=4000)]
Line = Annotated[OneLine, Field(min_length=1, max_length=200)]
Categories = Annotated[list[InformationCategory], Field(min_length=1, max_length=20)]


class Command(BaseModel):
    """Base of command bodies: unknown fields are an error, not silently dropped."""

    model_config = ConfigDict(extra="forbid")


class Timed(Command):
    """A command that may say when it happened (replays, late entry); defaults to now."""

    at: Instant | None = Field(
        default=None, description="When it happened (business time); not in the future"
    )


class ProForma(Timed):
    """The fields of the written request that an urgent request may supply later."""

    requesting_officer: Line | None = Field(
        default=None,
        description="Name, rank and contact of the officer",
    )
    categories: Categories | None = Field(
        default=None, description="Categories of information asked"
    )
    purpose: Text | None = Field(default=None, description="What the information is for")
    necessity: Text | None = Field(default=None, description="Why disclosure is necessary")
    lawful_basis: LawfulBasis | None = Field(default=None, description="Power relied on")


class SubmitRequest(ProForma):
    """A Section 115 request; a routine one must carry every pro forma field."""

    requesting_body: RequestingBody = Field(description="The relevant authority asking")
    subject_ref: PersonRef = Field(description="Pseudonymous reference to the subject")
    school_id: SchoolId
    borough: Borough
    urgency: Urgency = "routine"
    urgent_reason: UrgentReason | None = Field(default=None, description="Required when urgent")
    data_controller: DataController | None = Field(
        default=None,
        description="Who holds the data: `school` (its head teacher decides and releases) or"
        " `police` (the borough's disclosure officer decides); default police",
    )
    direction: SharingDirection | None = Field(
        default=None, description="Which way it flows; default from the controller"
    )
    isa_ref: str | None = Field(
        default=None, pattern=ISA_REF, description="Reference of the information-sharing agreement"
    )
    special_category: bool | None = Field(
        default=None, description="Special-category data involved; default from the categories"
    )
    onward_use: list[OnwardUse] | None = Field(
        default=None,
        min_length=1,
        max_length=5,
        description="What the recipient may do with it; default stated purpose, no onward sharing",
    )
    retain_until: Day | None = Field(
        default=None, description="When the recipient deletes it; default the retention period"
    )

    def written(self, retain_until: date) -> WrittenRequest:
        """The request as this body writes it (``retain_until`` unless it says otherwise)."""
        content = self.model_dump(exclude={"at"})
        content["retain_until"] = content["retain_until"] or retain_until
        return WrittenRequest(**content)


class Countersign(Timed):
    """The head teacher's countersignature of the request as it was read."""

    content_hash: str = Field(
        pattern=SHA256, description="content_hash of the request as read and signed"
    )


class Decide(Timed):
    """A disclosure officer's decision; reasoning in every case."""

    outcome: Outcome
    reasoning: Text = Field(description="Why: required for every outcome, refusals included")
    withheld_categories: list[InformationCategory] = Field(
        default_factory=list, max_length=20, description="What a partial disclosure withholds"
    )
    withheld_reason: Text | None = Field(default=None, description="Why it is withheld")

    def decision(self) -> Decision:
        """The decision this body records."""
        return Decision(**self.model_dump(include={f.name for f in fields(Decision)}))


class CorrectDecision(Decide):
    """A new decision that replaces and references the standing one."""

    corrects: AggregateId = Field(description="decision_id of the standing decision")
    correction_reason: Text = Field(description="Why the decision is corrected")


class RecordRelease(Command):
    """Exactly what was shared, to whom, when and by what means."""

    categories_shared: Categories
    information_shared: Text = Field(description="Exactly what was shared")
    recipient_body: RequestingBody
    recipient: Line = Field(description="Person or team it went to")
    means: ReleaseMeans
    released_at: Instant | None = Field(default=None, description="When; defaults to now")


class CloseRequest(Timed):
    """Closure with the date the record is reviewed for retention."""

    retention_review_on: Day | None = Field(
        default=None, description="Review date; defaults to the configured retention period"
    )


class LogExchange(Command):
    """An exchange of information for planning or problem solving (encouraged, and logged)."""

    school_id: SchoolId
    borough: Borough
    partner_body: RequestingBody = Field(description="Who the exchange was with")
    partner: Line = Field(description="Team or agency met")
    topic: Text = Field(description="What was discussed")
    exchanged_on: Day
    personal_data: bool = Field(
        description="Whether it was based on personal knowledge of someone (logged and marked;"
        " records held on a database are requested under Section 115 instead)"
    )


class DecisionRecorded(Recorded):
    """The request a decision was recorded on, and the decision's own id."""

    decision_id: str
