"""At every scale the CLI accepts, the demo plans only steps the protocol and the services allow.

At ``--schools 80 --officers 45 --weeks 4`` (seed 1, on 29 November 2026) the demo had two
unexpected refusals. Staffing refused a ring-fence lift dated before the ring-fence began (a
ring-fence may begin mid-term; the lift was drawn from any day of the term). And incidents
refused a constable's police search as a PCSO's: its fresh view of deployments replayed the
``demo.`` topics, where an earlier run at another scale had deployed a PCSO of the same id.
"""

import argparse
from collections import defaultdict
from datetime import date
from functools import cache
from typing import Any

import pytest

from services.cli.demo import plan
from services.cli.workload import platform
from services.cli.workload.steps import Phase, Step
from services.runtime.service import ServiceContext, ServiceSpec
from services.runtime.settings import ServiceSettings

# (seed, schools, officers, weeks): the smallest, small ones, the one that failed, the default.
SCALES = [(1, 1, 1, 1), (1, 10, 20, 2), (1, 80, 45, 4), (3, 80, 45, 4), (1, 245, 135, 13)]
# The failing run's day (an autumn term) and one in a spring term.
DAYS = [date(2026, 11, 29), date(2027, 3, 10)]
CASES = [(scale, day) for scale in SCALES for day in DAYS]
IDS = [f"seed{s[0]}-{s[1]}s-{s[2]}o-{s[3]}w-{d}" for s, d in CASES]


@cache
def phases(scale: tuple[int, int, int, int], today: date) -> list[Phase]:
    """The demo's plan at ``scale``, as of ``today`` (built once for all tests)."""
    seed, schools, officers, weeks = scale
    args = argparse.Namespace(seed=seed, schools=schools, officers=officers, weeks=weeks)
    return plan(args, today)[1]


def posts(scale: tuple[int, int, int, int], today: date, path: str) -> list[tuple[str, Step]]:
    """The plan's POSTs to ``path`` (``{id}`` for the officer id in it), each with that id."""
    found = []
    for step in (s for p in phases(scale, today) for c in p.chains for s in c.steps):
        parts = step.path.split("/")
        officer = parts[2] if len(parts) > 2 and parts[1] == "officers" else ""
        generic = step.path.replace(f"/{officer}", "/{id}") if officer else step.path
        if step.method == "POST" and step.refusal is None and generic == path:
            found.append((officer, step))
    return found


def body(step: Step) -> dict[str, Any]:
    """The step's body (every POST here has one)."""
    assert step.body is not None
    return step.body


@pytest.mark.parametrize(("scale", "today"), CASES, ids=IDS)
def test_every_ring_fence_lift_is_dated_after_what_it_lifts_began(
    scale: tuple[int, int, int, int], today: date
) -> None:
    """ "SSP officers should where possible be 'ring fenced' against abstractions" (Appendix 1,
    2); staffing lifts only a ring-fence in force, on a day after it began (lift-after-start)."""
    fenced = {o: date.fromisoformat(body(s)["ring_fenced_from"])
              for o, s in posts(scale, today, "/officers/{id}/ring-fence")}  # fmt: skip
    started: dict[str, date] = {}
    for _, step in posts(scale, today, "/deployments"):
        officer, day = body(step)["officer_id"], date.fromisoformat(body(step)["start_date"])
        started[officer] = min(day, started.get(officer, day))
    for officer, step in posts(scale, today, "/officers/{id}/ring-fence/lift"):
        lifted = date.fromisoformat(body(step)["lifted_on"])
        assert officer in fenced, f"{officer}: a lift without a ring-fence"
        assert lifted > fenced[officer] >= started[officer], (officer, lifted)


@pytest.mark.parametrize(("scale", "today"), CASES, ids=IDS)
def test_no_police_search_or_arrest_is_recorded_by_one_without_the_power(
    scale: tuple[int, int, int, int], today: date
) -> None:
    """ "The SSPO may search pupils in the execution of their statutory duty ... Where the SSPO
    searches a pupil a record of the search will be made on MPS Form 5090" (Appendix 2): the
    police search is the officer's, under a constable's statutory power, which a PCSO does not
    have (issue 13: "PCSOs cannot record police searches or arrests"); a PCSO only assists
    staff with theirs ("The SSPO may assist staff to search pupils"). Incidents refuses the
    rest (pcso-powers, police-search-by-officer)."""
    ranks = {body(s)["officer_id"]: body(s)["rank"] for _, s in posts(scale, today, "/officers")}
    assert ranks
    for _, step in posts(scale, today, "/searches"):
        if body(step)["searched_by"] == "officer":
            assert step.who.role == "school_officer", body(step)
            assert ranks[step.who.sub] != "pcso", body(step)
    for _, step in posts(scale, today, "/arrests"):
        assert ranks[step.who.sub] != "pcso", body(step)


def test_the_demo_starts_every_read_model_fed_from_kafka_at_the_topics_end() -> None:
    """Officer ids recur from run to run (``ofc-haringey-01`` is a PCSO at 20 schools, 10
    officers and 2 weeks, a constable at 80, 45 and 4, both seed 1 on 29 November 2026); the
    ``demo.`` topics keep every run, so a fresh database whose runner replayed them would
    judge this run's officer by another run's rank (and count other runs in its figures)."""
    databases = {s: f"demo_{s}" for s in platform.SERVICES}
    started: dict[str, dict[str, list[str]]] = defaultdict(dict)
    for db, runners in platform.read_models(databases):
        started[db] |= runners
    for service in platform.SERVICES:
        spec: ServiceSpec = __import__(f"services.{service}.main", fromlist=["SPEC"]).SPEC
        if spec.projections is None:
            continue
        settings = ServiceSettings.for_service(service, db_name=databases[service], in_memory=True)
        ctx = ServiceContext(settings, None)  # type: ignore[arg-type]
        for runner, projections in spec.projections(ctx):
            topics = sorted({t for p in projections for t in p.topics})
            assert started[databases[service]].get(runner) == topics, (service, runner)
