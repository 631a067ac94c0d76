"""The workload as data: HTTP steps chained per record, grouped into phases.

A plan is built from the seed alone, before any request is sent, so the same seed always
asks the same things of the services; ids the services hand out are filled in on the way
through ``Ref`` placeholders.
"""

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Who:
    """The caller of a step: the claims of their bearer token."""

    role: str
    sub: str
    school: str | None = None
    borough: str | None = None
    # A school token's reference of its holder (``staff-<hex>``): needed to read an allegation
    # against staff, and never the accused's.
    staff_ref: str | None = None


@dataclass(frozen=True)
class Ref:
    """A value an earlier step of the same chain saved (an id, a content hash)."""

    name: str


@dataclass(frozen=True)
class Refusal:
    """The refusal a probe step expects: its status and the rule its message names."""

    status: int
    rule: str


@dataclass
class Step:
    """One HTTP request of the workload."""

    service: str
    method: str
    path: str
    who: Who
    body: dict[str, Any] | None = None
    save: dict[str, str] = field(default_factory=dict)  # chain name -> answer field
    refusal: Refusal | None = None  # set on probes that must be refused
    what: str = ""  # label in the refusal summary; the path template when empty
    # What a read's answer must show: None when it does, else what is wrong (a failed check
    # counts as an unexpected refusal, so the run fails).
    check: Callable[[Any], str | None] | None = None


@dataclass
class Chain:
    """Steps that must run in order (they touch one record); chains run concurrently."""

    kind: str
    steps: list[Step] = field(default_factory=list)

    def add(self, *steps: Step) -> "Chain":
        """Append steps; returns the chain."""
        self.steps.extend(steps)
        return self


@dataclass
class Phase:
    """Chains that may run at the same time; a phase starts when the one before ended."""

    name: str
    chains: list[Chain] = field(default_factory=list)

    @property
    def requests(self) -> int:
        """Steps in the phase."""
        return sum(len(c.steps) for c in self.chains)


def resolve(value: Any, saved: dict[str, Any]) -> Any:
    """``value`` with every Ref replaced by what the chain saved under its name."""
    if isinstance(value, Ref):
        return saved[value.name]
    if isinstance(value, dict):
        return {k: resolve(v, saved) for k, v in value.items()}
    if isinstance(value, list):
        return [resolve(v, saved) for v in value]
    return value


def supervisor(borough: str) -> Who:
    """The borough's schools sergeant, who manages staffing in the borough."""
    return Who("borough_supervisor", f"sgt-{borough}", borough=borough)


def head(school_id: str) -> Who:
    """The head teacher of a school (who reads allegations against the school's staff)."""
    ref = hashlib.sha256(f"head-{school_id}".encode()).hexdigest()[:16]
    return Who("head_teacher", f"head-{school_id}", school=school_id, staff_ref=f"staff-{ref}")


def staff(school_id: str) -> Who:
    """A member of staff of a school."""
    return Who("school_staff", f"staff-{school_id}", school=school_id)


def officer(officer_id: str, borough: str) -> Who:
    """A school officer (their token names their borough, not one school)."""
    return Who("school_officer", officer_id, borough=borough)


def disclosure_officer(borough: str) -> Who:
    """The borough's dedicated disclosure officer."""
    return Who("disclosure_officer", f"do-{borough}", borough=borough)


def local_authority(borough: str) -> Who:
    """The borough's local authority case-management system (a service token)."""
    return Who("service", f"la-{borough}-cms", borough=borough)


ANALYST = Who("analyst", "analyst-tphq")
AUDITOR = Who("auditor", "auditor-mpa")
