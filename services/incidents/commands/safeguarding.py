"""Commands on safeguarding referrals to children's social care."""

from datetime import date, datetime
from uuid import UUID

from ssp_contracts.events.incidents import ConcernKind, SafeguardingOutcome, SafeguardingSource

from services.incidents.domain.incident import Incident
from services.incidents.domain.safeguarding import SafeguardingReferral
from services.incidents.domain.search import Search
from services.runtime.domain import Actor, RuleViolation, ServiceApplication
from services.runtime.sealed import published


class SafeguardingCommands(ServiceApplication):
    """Refer a concern raised from an incident or search; record outcomes; close."""

    def source_of(self, source: SafeguardingSource, source_id: UUID) -> Incident | Search:
        """The incident or search the concern was raised from."""
        if source == "incident":
            return self.load(Incident, source_id)
        return self.load(Search, source_id)

    def refer_safeguarding(
        self,
        *,
        source: SafeguardingSource,
        source_id: UUID,
        pupil_ref: str,
        concern: ConcernKind,
        details: str,
        referred_at: datetime,
        follow_up_due: date,
        now: datetime,
        actor: Actor,
    ) -> UUID:
        """Refer a pupil to children's social care; the referral is at the source's school."""
        record = self.source_of(source, source_id)
        if isinstance(record, Incident):
            pupils, at = list(record.pupil_refs), record.occurred_at
        else:
            pupils, at = [record.facts.pupil_ref or ""], record.facts.searched_at
        # Records keep their pupils sealed: compare as Kafka and the views know them.
        known = self.subjects.table.by_ref(pupil_ref)
        if known is None or known.pseudonym not in {published(p) for p in pupils}:
            raise RuleViolation(
                "safeguarding-pupil", f"the {source} does not name this pupil", "pupil_ref"
            )
        referral = SafeguardingReferral.refer(
            now=now, source_at=at, school_id=record.school_id, source=source,
            source_id=str(source_id), concern=concern,
            pupil_ref=self.subjects.seal(pupil_ref, "pupil_ref", pupil_ref),
            details=self.subjects.seal(pupil_ref, "details", details),
            referred_at=referred_at, follow_up_due=follow_up_due, actor=actor,
        )  # fmt: skip
        self.save(referral)
        return referral.id

    def get_referral(self, referral_id: UUID) -> SafeguardingReferral:
        """The referral as it stands now."""
        return self.load(SafeguardingReferral, referral_id)

    def record_safeguarding_outcome(
        self,
        referral_id: UUID,
        *,
        outcome: SafeguardingOutcome,
        recorded_at: datetime,
        follow_up_due: date | None,
        notes: str,
        now: datetime,
        actor: Actor,
    ) -> UUID:
        """Record social care's outcome and the next follow-up."""
        referral = self.get_referral(referral_id)
        referral.record_outcome(outcome, recorded_at, follow_up_due, notes, now, actor)
        # Judged in clear above; kept under the referral's own key, shredded with its pupil.
        notes = self.records.seal_one(referral.id, "notes", notes, names=[referral.pupil_ref])
        referral = self.get_referral(referral_id)
        referral.record_outcome(outcome, recorded_at, follow_up_due, notes, now, actor)
        self.save(referral)
        return referral.id

    def close_referral(
        self, referral_id: UUID, *, closed_at: datetime, now: datetime, actor: Actor
    ) -> UUID:
        """Close the referral: it leaves the outstanding list."""
        referral = self.get_referral(referral_id)
        referral.close(closed_at, now, actor)
        self.save(referral)
        return referral.id
