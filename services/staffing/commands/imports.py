"""Bulk import of schools, officers and rosters from CSV: every row valid, or nothing saved."""

import csv
import io
from collections import defaultdict
from collections.abc import Callable, Iterator
from typing import Any

from eventsourcing.domain import Aggregate
from pydantic import BaseModel, ValidationError

from services.runtime.domain import Actor, NotFound, RuleViolation
from services.staffing.application import StaffingApplication
from services.staffing.commands.import_rows import (
    ImportRejected,
    OfficerRow,
    RowError,
    SchoolRow,
    ShiftRow,
)
from services.staffing.domain.officer import Officer
from services.staffing.domain.roster import Roster
from services.staffing.domain.school import School


class CsvImport:
    """Validates every row against the contract and the rules, then saves all in one go."""

    def __init__(self, app: StaffingApplication, borough: str, actor: Actor) -> None:
        self.app, self.borough, self.actor = app, borough, actor
        self.errors: list[RowError] = []

    def run(self, kind: str, text: str) -> list[str]:
        """Import the file; return the ids of the records, or raise ImportRejected."""
        build: dict[str, Callable[[str], list[Aggregate]]] = {
            "schools": self.schools,
            "officers": self.officers,
            "rosters": self.rosters,
        }
        aggregates = build[kind](text)
        if self.errors or not aggregates:
            if not self.errors:
                self.errors.append(RowError(line=1, field=None, reason="the file has no rows"))
            raise ImportRejected(self.errors)
        self.app.save(*aggregates)
        return [str(a.id) for a in aggregates]

    def rows(self, text: str, model: type[BaseModel]) -> Iterator[tuple[int, Any]]:
        """Each valid row with its line number; bad rows become errors."""
        reader = csv.DictReader(io.StringIO(text))
        try:
            yield from self.valid_rows(reader, model)
        except csv.Error as exc:  # e.g. a bare carriage return inside an unquoted field
            self.error(max(1, reader.line_num), None, f"not a readable CSV file: {exc}")

    def valid_rows(
        self, reader: "csv.DictReader[str]", model: type[BaseModel]
    ) -> Iterator[tuple[int, Any]]:
        """The rows of ``reader`` that pass ``model``; the others become errors."""
        missing = [c for c in model.model_fields if c not in (reader.fieldnames or [])]
        required = [c for c in missing if model.model_fields[c].is_required()]
        if required:
            self.error(1, required[0], f"missing columns: {', '.join(required)}")
            return
        for record in reader:
            line = reader.line_num
            if None in record:
                self.error(line, None, "more values than columns")
                continue
            try:
                row = model.model_validate({k: v for k, v in record.items() if k})
            except ValidationError as exc:
                for err in exc.errors():
                    self.error(line, ".".join(str(p) for p in err["loc"]), err["msg"])
                continue
            yield line, row

    def error(self, line: int, field: str | None, reason: str) -> None:
        self.errors.append(RowError(line=line, field=field, reason=reason))

    def in_scope(self, line: int, borough: str) -> bool:
        if borough != self.borough:
            self.error(line, "borough", f"outside your borough {self.borough}")
        return borough == self.borough

    def schools(self, text: str) -> list[Aggregate]:
        out: list[Aggregate] = []
        seen: set[str] = set()
        for line, row in self.rows(text, SchoolRow):
            fresh = self.fresh(line, seen, row.school_id, "school_id", School.create_id)
            if not (self.in_scope(line, row.borough) and fresh):
                continue
            details = row.model_dump(exclude={"protocol_signed_on"})
            school = School(**details, actor=self.actor)
            if row.protocol_signed_on is not None:
                school.sign_protocol(row.protocol_signed_on, self.actor)
            out.append(school)
        return out

    def officers(self, text: str) -> list[Aggregate]:
        out: list[Aggregate] = []
        seen: set[str] = set()
        for line, row in self.rows(text, OfficerRow):
            fresh = self.fresh(line, seen, row.officer_id, "officer_id", Officer.create_id)
            if not (self.in_scope(line, row.borough) and fresh):
                continue
            try:
                out.append(Officer.register(**row.model_dump(), actor=self.actor))
            except RuleViolation as exc:
                self.error(line, exc.field, exc.message)
        return out

    def fresh(self, line: int, seen: set[str], key: str, field: str, make_id: Any) -> bool:
        """Whether ``key`` is new both to the file and to the store."""
        if key in seen:
            self.error(line, field, f"{key} appears twice in the file")
            return False
        seen.add(key)
        if self.app.exists(make_id(key)):
            self.error(line, field, f"{key} is already registered")
            return False
        return True

    def rosters(self, text: str) -> list[Aggregate]:
        groups: dict[tuple[str, str], list[tuple[int, ShiftRow]]] = defaultdict(list)
        for line, row in self.rows(text, ShiftRow):
            groups[(row.officer_id, row.term)].append((line, row))
        out: list[Aggregate] = []
        for (officer_id, term), rows in groups.items():
            roster = self.roster(officer_id, term, rows)
            if roster is not None:
                out.append(roster)
        return out

    def roster(self, officer_id: str, term: str, rows: list[tuple[int, ShiftRow]]) -> Any:
        """One officer's roster of one term from its rows; None when a row is bad."""
        first = rows[0][0]
        try:
            officer = self.app.serving_officer(officer_id)
            if not self.in_scope(first, officer.borough):
                return None
            self.app.check_new(Roster.create_id(officer_id, term), "term", "roster")
            calendar = self.app.calendar_for(officer.borough, term)
        except (RuleViolation, NotFound) as exc:
            field = getattr(exc, "field", None)
            self.error(first, "officer_id" if field is None else field, _reason(exc))
            return None
        shifts, days = [], set()
        for line, row in rows:
            if row.date in days:
                self.error(line, "date", f"{row.date} has two shifts for {officer_id}")
            elif not calendar.contains(row.date):
                self.error(line, "date", f"{row.date} is outside {term} in {officer.borough}")
            days.add(row.date)
            shifts.append({"date": row.date, "start": row.start, "hours": row.hours})
        if any(e.line in {line for line, _ in rows} for e in self.errors):
            return None
        return Roster.plan(
            officer_id=officer_id, calendar=calendar, school_ids=officer.school_ids,
            shifts=shifts, imported=True, actor=self.actor,
        )  # fmt: skip


def _reason(exc: Exception) -> str:
    return getattr(exc, "message", None) or f"no such record: {exc}"
