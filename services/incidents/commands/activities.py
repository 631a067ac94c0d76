"""Commands on the officer's recorded activities."""

from dataclasses import replace
from datetime import datetime
from uuid import UUID

from ssp_contracts.events.incidents import ActivityWithdrawal

from services.incidents.domain.activity import Activity, ActivityFacts
from services.runtime.domain import Actor, ServiceApplication


class ActivityCommands(ServiceApplication):
    """Record and withdraw an officer's activities."""

    def record_activity(self, facts: ActivityFacts, *, now: datetime, actor: Actor) -> UUID:
        """Record a piece of the officer's work at a school."""
        draft = Activity.record(facts, now=now, actor=actor)
        if draft.summary is None:
            activity = draft
        else:  # the officer's summary may name anyone: under the activity's own record key
            summary = self.records.seal_one(
                draft.id, "summary", draft.summary, retention=("activity", facts.started_at)
            )
            activity = Activity.record(
                replace(facts, summary=summary), now=now, actor=actor, id=draft.id
            )
        self.save(activity)
        return activity.id

    def get_activity(self, activity_id: UUID) -> Activity:
        """The activity as it stands now."""
        return self.load(Activity, activity_id)

    def withdraw_activity(
        self, activity_id: UUID, reason: ActivityWithdrawal, *, now: datetime, actor: Actor
    ) -> UUID:
        """Withdraw an activity recorded in error or twice."""
        activity = self.get_activity(activity_id)
        activity.withdraw(reason, now, actor)
        self.save(activity)
        return activity.id
