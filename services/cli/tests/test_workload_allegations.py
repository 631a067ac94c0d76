"""The demo's plan takes every step on an allegation against staff as someone who may read it.

Appendix 2: "An allegation of crime made against a member of the school staff will only be
investigated in consultation with the head teacher or their deputy"; the service keeps such an
incident from the school's staff (`domain/restricted.py`). At the full default scale the plan
had school staff seize and hand over evidence, and a head teacher without a staff reference
refer, on such incidents: five 404s that failed `make demo`.
"""

import argparse
from dataclasses import dataclass, field
from datetime import date

from services.cli.demo import plan
from services.cli.workload.steps import Ref
from services.incidents.domain.restricted import Reader, refusal


@dataclass(frozen=True)
class Allegation:
    """An allegation against staff as the restriction rule reads it."""

    accused_staff_ref: str
    officers: list[str]
    allegation_against_staff: bool = True
    against_head_teacher: bool = False
    consulted: list[str] = field(default_factory=list)


def test_every_step_on_an_allegation_against_staff_is_by_a_permitted_reader() -> None:
    args = argparse.Namespace(seed=1, schools=245, officers=135, weeks=13)
    _, phases, expected = plan(args, date(2026, 7, 20))  # a summer date, the term just ended
    allegations = 0
    for phase in phases:
        for chain in phase.chains:
            report = chain.steps[0]
            if not (report.body or {}).get("allegation_against_staff"):
                continue
            allegations += 1
            assert report.body is not None
            record = Allegation(report.body["accused_staff_ref"], [])
            for step in [report, *chain.steps[1:]]:
                if step is not report and _touches_incident(step.path, step.body):
                    reader = Reader(
                        step.who.role, step.who.sub, getattr(step.who, "staff_ref", None)
                    )
                    assert refusal(record, reader) is None, (step.path, step.who)
                if step.who.role == "school_officer":  # who reported or acted on it
                    record.officers.append(step.who.sub)
    assert allegations == expected["allegations"] > 0


def _touches_incident(path: str, body: dict[str, object] | None) -> bool:
    """Whether a step reads the incident: its own paths, or a record naming it."""
    return path.startswith("/incidents/{incident}") or (body or {}).get("incident_id") == Ref(
        "incident"
    )
