"""A few pupils' chronologies read through the HTTP API, as a school's safeguarding lead would.

Issue item 15: "For a pupil reference, one scoped, audited view across incidents, searches,
evidence, arrests and disclosures, in time order". Each read names its purpose (logged as a
consultation, which reporting counts); the answer must be in time order and hold only the
reader's school; the lead of another school reads the same pupil and sees nothing. The pupils
are drawn from the term's earliest incidents on a random stream of their own, so every other
figure of the demo stays as it was, and by the time the reads run the incidents' views have
long folded those incidents.
"""

from datetime import date, datetime
from typing import Any

from services.cli.workload.steps import Chain, Phase, Step, Who
from services.cli.workload.world import World

READS = 3  # pupils whose chronology is read
PURPOSE = "safeguarding"


def lead(school_id: str) -> Who:
    """The school's designated safeguarding lead."""
    return Who("designated_safeguarding_lead", f"dsl-{school_id}", school=school_id)


def in_order_at(school_id: str) -> Any:
    """The check of a lead's read: some entries, in time order, all of their own school."""

    def check(answer: Any) -> str | None:
        entries = answer.get("entries", []) if isinstance(answer, dict) else []
        times = [datetime.fromisoformat(e["at"]) for e in entries]
        if not entries:
            return "a pupil with an incident has an empty chronology"
        if times != sorted(times):
            return "the chronology is not in time order"
        if {e["school_id"] for e in entries} != {school_id}:
            return "the chronology holds another school's records"
        return None

    return check


def nothing(answer: Any) -> str | None:
    """The check of another school's lead: the pupil's records are not theirs to see."""
    entries = answer.get("entries") if isinstance(answer, dict) else None
    return None if entries == [] else "another school's lead sees the pupil's records"


def chronology_phase(world: World, seen: list[tuple[str, str, date]]) -> tuple[Phase, int]:
    """The reads (two a pupil), and how many chronologies that consults."""
    rng = world.side_rng("chronologies")
    first = sorted(seen, key=lambda s: s[2])[: READS * 4]
    picks = rng.sample(first, min(READS, len(first)))
    schools = [s.school_id for s in world.schools]
    chains = []
    for school_id, pupil_ref, _ in picks:
        others = [s for s in schools if s != school_id]
        path = f"/pupils/{pupil_ref}/chronology?purpose={PURPOSE}"
        chain = Chain("chronology").add(
            Step("incidents", "GET", path, lead(school_id), check=in_order_at(school_id),
                 what="a pupil's chronology read by the school's safeguarding lead"),
        )  # fmt: skip
        if others:
            chain.add(
                Step("incidents", "GET", path, lead(rng.choice(others)), check=nothing,
                     what="a pupil's chronology read by another school's lead"),
            )  # fmt: skip
        chains.append(chain)
    return Phase("pupils' chronologies", chains), sum(len(c.steps) for c in chains)
