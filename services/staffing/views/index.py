"""Which records exist, by school, officer, borough and term: a table folded from the log.

The runtime's view runner keeps ``view_staffing_index`` at a tracked position; commands and
listings read it through ``CurrentRows`` (at the log's head), then load the records they list.
Rows hold ids, boroughs, terms and dates only.
"""

from typing import Any

from services.runtime.dispatch import Handlers
from services.runtime.views_pg import LogView, Rows, ViewFold
from services.staffing.domain.absence import Absence
from services.staffing.domain.calendar import TermCalendar
from services.staffing.domain.deployment import Deployment
from services.staffing.domain.officer import Officer
from services.staffing.domain.roster import Roster
from services.staffing.domain.school import School

FOLDS: Handlers[ViewFold] = Handlers()

# ``key`` is what a lookup goes by: a school's or officer's id, or a borough for calendars.
INDEX = LogView(
    name="staffing.index",
    table="view_staffing_index",
    columns=(("kind", "text NOT NULL"), ("key", "text"), ("borough", "text")),
    indexes=(("kind", "key"), ("kind", "borough")),
    handlers=FOLDS,
    order="id",
)


@FOLDS.on(School.Registered)
def _school(rows: Rows, e: School.Registered) -> None:
    rows.put(f"school:{e.school_id}", kind="school", key=e.school_id, borough=e.borough)


@FOLDS.on(Officer.Registered)
def _officer(rows: Rows, e: Officer.Registered) -> None:
    rows.put(f"officer:{e.officer_id}", kind="officer", key=e.officer_id, borough=e.borough)


@FOLDS.on(Deployment.Deployed)
def _deployment(rows: Rows, e: Deployment.Deployed) -> None:
    record = str(e.originator_id)
    rows.put(f"deployment:{record}", kind="deployment", key=e.officer_id, record=record)
    for school in e.school_ids:
        rows.put(
            f"deployment:{record}:{school}", kind="deployment-school", key=school, record=record
        )


@FOLDS.on(TermCalendar.Published, TermCalendar.Revised)
def _calendar(rows: Rows, e: Any) -> None:
    calendar: TermCalendar = rows.app.repository.get(e.originator_id, version=e.originator_version)
    rows.put(
        f"calendar:{calendar.borough}:{calendar.term}", kind="calendar", key=calendar.borough,
        term=calendar.term, starts_on=calendar.starts_on, ends_on=calendar.ends_on,
    )  # fmt: skip


@FOLDS.on(Roster.Generated)
def _roster(rows: Rows, e: Roster.Generated) -> None:
    rows.put(
        f"roster:{e.originator_id}", kind="roster", key=e.officer_id, term=e.term,
        record=str(e.originator_id),
    )  # fmt: skip


@FOLDS.on(Absence.Notified)
def _absence(rows: Rows, e: Absence.Notified) -> None:
    record = str(e.originator_id)
    for school in e.school_ids:
        rows.put(f"absence:{record}:{school}", kind="absence-school", key=school, record=record)
