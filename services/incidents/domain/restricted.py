"""Allegations against staff are restricted records: who may read one, and who never may.

The source (Appendix 2, Working Practises): an allegation of crime against a member of staff
"will only be investigated in consultation with the head teacher or their deputy", and pupils
speak because "any information given would be used confidentially" (Report para 14). So only
the head teacher (or the deputy consulted), the investigating officer, their supervisor and the
school's designated safeguarding lead (and the data protection officer, answering a subject's
rights) read the allegation; never the member of staff accused,
whatever other role their token holds. An allegation against the head teacher goes to the chair
of governors instead of the head teacher.
"""

from dataclasses import dataclass, field
from typing import Protocol

from services.runtime.domain import RuleViolation
from services.runtime.sealed import ERASED

# School roles whose tokens must name the member of staff (a staff reference), so that the
# accused can be told apart whichever role they act in; without it a restricted record is
# refused (fails closed).
SCHOOL_ROLES = frozenset(
    {
        "school_staff",
        "head_teacher",
        "deputy_head",
        "designated_safeguarding_lead",
        "chair_of_governors",
    }
)


class RestrictedRecord(Protocol):
    """What the rule needs of an incident."""

    @property
    def allegation_against_staff(self) -> bool:
        """Whether it is an allegation against a member of staff."""

    @property
    def accused_staff_ref(self) -> str | None:
        """The member of staff accused."""

    @property
    def against_head_teacher(self) -> bool:
        """Whether the accused is the head teacher."""

    @property
    def officers(self) -> list[str]:
        """Officers who reported or acted on it."""

    @property
    def consulted(self) -> list[str]:
        """Who was consulted (head_teacher, deputy_head)."""


@dataclass(frozen=True)
class Unrestricted:
    """Any record that is not an allegation against staff (for listings)."""

    allegation_against_staff: bool = False
    accused_staff_ref: str | None = None
    against_head_teacher: bool = False
    officers: list[str] = field(default_factory=list)
    consulted: list[str] = field(default_factory=list)


UNRESTRICTED = Unrestricted()


@dataclass(frozen=True)
class Reader:
    """Who asks to read: role, subject (an officer's id) and staff reference, if any."""

    role: str
    sub: str
    staff_ref: str | None


def check_allegation(allegation: bool, accused_staff_ref: str | None, against_head: bool) -> None:
    """An allegation names the member of staff accused; only an allegation names one."""
    if allegation and accused_staff_ref is None:
        raise RuleViolation(
            "staff-allegation-accused",
            "an allegation against staff names the member of staff by a staff reference",
            "accused_staff_ref",
        )
    if not allegation and (accused_staff_ref is not None or against_head):
        raise RuleViolation(
            "staff-allegation-accused",
            "only an allegation against staff names a member of staff accused",
            "allegation_against_staff",
        )


def refusal(record: RestrictedRecord, reader: Reader) -> str | None:
    """Why ``reader`` may not read ``record`` (None: they may); scope is checked elsewhere."""
    if not record.allegation_against_staff:
        if reader.role == "chair_of_governors":
            return "the chair of governors reads only allegations against the head teacher"
        return None
    if reader.role in SCHOOL_ROLES and reader.staff_ref is None:
        return "a school token must carry its staff reference to read a restricted record"
    if reader.staff_ref is not None and reader.staff_ref == record.accused_staff_ref:
        return "the member of staff accused may not read the allegation"
    # The data protection officer answers the subjects' rights (access, rectification).
    if reader.role in (
        "designated_safeguarding_lead",
        "borough_supervisor",
        "data_protection_officer",
    ):
        return None
    if record.accused_staff_ref == ERASED and reader.staff_ref is not None:
        # Nobody can tell any more whether this reader is the one accused: fail closed.
        return "the member of staff accused was erased; school staff no longer read it"
    if reader.role == "school_officer":
        # The investigating officer: the officer who reported it or has acted on it; until an
        # officer has, the officer deployed to the school (scope) takes it up.
        if not record.officers or reader.sub in record.officers:
            return None
        return "only the investigating officer reads this allegation"
    if record.against_head_teacher:
        if reader.role == "chair_of_governors":
            return None
        return "an allegation against the head teacher is read by the chair of governors"
    if reader.role == "head_teacher":
        return None
    if reader.role == "deputy_head" and "deputy_head" in record.consulted:
        return None
    return f"a {reader.role} may not read an allegation against staff"
