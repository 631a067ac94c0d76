"""Roster, abstraction and absence events mapped to their contract events."""

from typing import Any

from ssp_contracts.events import staffing as c

from services.staffing.domain.absence import Absence, is_late
from services.staffing.domain.roster import Roster
from services.staffing.translation import translator


@translator.maps(Roster.Generated)
def _generated(e: Roster.Generated) -> c.RosterGenerated:
    return c.RosterGenerated(
        roster_id=str(e.originator_id),
        officer_id=e.officer_id,
        borough=e.borough,
        term=e.term,
        school_ids=e.school_ids,
        shifts=[c.Shift(**s) for s in e.shifts],
        imported=e.imported,
    )


@translator.maps(Roster.ShiftAmended)
def _amended(e: Roster.ShiftAmended) -> c.ShiftAmended:
    return c.ShiftAmended(
        roster_id=str(e.originator_id),
        **e.roster,
        shift=c.Shift(date=e.date, start=e.start, hours=e.hours),
        previous_hours=e.previous_hours,
    )


@translator.maps(Roster.ShiftCancelled)
def _cancelled(e: Roster.ShiftCancelled) -> c.ShiftCancelled:
    return c.ShiftCancelled(roster_id=str(e.originator_id), **e.roster, date=e.date, hours=e.hours)


def _abstraction(e: Any) -> dict[str, Any]:
    d = e.details
    return {
        "abstraction_id": str(e.abstraction_id),
        "roster_id": str(e.originator_id),
        **e.roster,
        # The schools that lost the officer's time that day, not the roster's at planning.
        "school_ids": d["school_ids"],
        "shift_date": d["shift_date"],
        "hours": d["hours"],
        "category": d["category"],
        "authorised_by": d["authorised_by"],
    }


@translator.maps(Roster.Abstracted)
def _abstracted(e: Roster.Abstracted) -> c.OfficerAbstracted:
    # The free-text note stays in the service: it may name people.
    d = e.details
    return c.OfficerAbstracted(
        **_abstraction(e),
        rank=d["rank"],
        shift_hours=d["shift_hours"],
        exceptional=d["exceptional"],
        ring_fenced=d["ring_fenced"],
        school_notified_at=d["school_notified_at"],
    )


@translator.maps(Roster.RingFenceBreached)
def _breached(e: Roster.RingFenceBreached) -> c.RingFenceBreached:
    return c.RingFenceBreached(**_abstraction(e), ring_fenced_from=e.ring_fenced_from)


@translator.maps(Absence.Notified)
def _absence(e: Absence.Notified) -> c.AbsenceNotified:
    notice_days = (e.starts_on - e.notified_at.date()).days
    return c.AbsenceNotified(
        absence_id=str(e.originator_id),
        officer_id=e.officer_id,
        borough=e.borough,
        school_ids=e.school_ids,
        kind=e.kind,
        starts_on=e.starts_on,
        ends_on=e.ends_on,
        notified_at=e.notified_at,
        notice_days=notice_days,
        minimum_notice_days=e.minimum_notice_days,
        late_notice=is_late(e.kind, notice_days, e.minimum_notice_days),
    )
