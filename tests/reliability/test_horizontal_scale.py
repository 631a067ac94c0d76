"""Issue 15, item 2: three instances of every service, one of each SIGKILLed under load and
replaced (as a Deployment replaces a lost pod) while the load goes on.

Three instances of each write service share its database (one relay leads, by the advisory
lock); three reporting instances share one consumer group over the topics' three partitions.
A client spreads the demo's commands round-robin over them and resends each, with its
``Idempotency-Key``, to the next instance when a connection fails or a 5xx comes back. Then:
no 2xx is lost, each key is applied once, every committed event is on Kafka, and every read
model equals what one reporting process makes of the same topics.
"""

import argparse
import asyncio
import logging
import signal
import time
import uuid
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

import pytest

from services.cli.demo import _deployments_known, plan
from services.cli.workload.steps import Phase, Step, supervisor
from services.runtime.testing import wait_for
from tests.reliability import scale_checks as check
from tests.reliability.scale_load import FOUR, INSTANCES, Replicas, SpreadRunner

pytestmark = pytest.mark.stack
log = logging.getLogger(__name__)
# A small term: setup (schools, officers, deployments, rosters) and one week of incidents,
# searches, abstractions and disclosures, about 200 commands.
WORLD = argparse.Namespace(seed=7, schools=10, officers=6, weeks=1)
CONCURRENCY = 16
# One instance of each service is SIGKILLed once this share of the setup's commands (schools,
# officers, deployments, rosters: about 120 of 200 commands) has been answered 2xx.
KILL_AT = 0.5


async def play(fleet: Replicas, killed: dict[str, int]) -> SpreadRunner:
    """Run the plan over every instance; SIGKILL one instance of each service on the way."""
    world, phases, _ = plan(WORLD, datetime.now(UTC).date())
    setup, term = phases[:5], phases[5:]
    planned = sum(p.requests for p in setup)
    urls = {s: [p.url for p in fleet.instances[s]] for s in FOUR}
    runner = SpreadRunner(urls, CONCURRENCY)

    async def kill_one_of_each() -> None:
        while len(runner.answers) < planned * KILL_AT:
            await asyncio.sleep(0.05)
        for service in FOUR:
            # A write service loses its relay's leader (one of three leads); reporting one
            # member of its consumer group.
            leaders = await asyncio.to_thread(fleet.relay_leaders, service)
            assert len(leaders) == int(service != "reporting"), (service, leaders)
            victim = leaders[0] if leaders else fleet.instances[service][0]
            victim.kill(signal.SIGKILL)
            killed[service] = fleet.instances[service].index(victim)
        await asyncio.sleep(2)  # the commands meanwhile go to the two left
        for service in FOUR:
            fleet.replace(service, fleet.instances[service][killed[service]])

    killer = asyncio.create_task(kill_one_of_each())
    try:
        await race(runner, [school_registration(world.boroughs[0].slug, n) for n in range(3)])
        for phase in setup:
            await runner.run(phase, runner.progress.add_task(phase.name))
        # (the kills land during the setup; the term's commands all come after them)
        await asyncio.wait_for(killer, timeout=60)
        survivor = fleet.instances["incidents"][(killed["incidents"] + 1) % INSTANCES]
        await _deployments_known(survivor.url, world, runner, runner.progress)
        for phase in term:
            await runner.run(phase, runner.progress.add_task(phase.name))
        # Commands whose records get random ids: two instances applying one would make two
        # (sent once the replacements answer, so that all three instances take part).
        await asyncio.to_thread(fleet.wait_ready)
        await race(runner, [first_creation(term, "incidents", "/incidents")])
        request = first_creation(term, "disclosure", "/requests")
        # (about another pupil than the plan's own request)
        body = {**(request.body or {}), "subject_ref": f"pupil-{uuid.uuid4().hex[:16]}"}
        await race(runner, [replace(request, body=body)])
    finally:
        killer.cancel()
        await runner.close()
    return runner


def school_registration(borough: str, n: int) -> Step:
    """A new school in ``borough``."""
    body = {
        "school_id": f"S-SCALE-{uuid.uuid4().hex[:8]}", "name": f"Race {n}", "borough": borough,
        "phase": "primary", "pupil_count": 300, "programme": "safer_schools_partnership",
    }  # fmt: skip
    return Step("staffing", "POST", "/schools", supervisor(borough), body)


def first_creation(phases: list[Phase], service: str, path: str) -> Step:
    """The plan's first command that creates a record at ``service`` ``path``."""
    return next(
        c.steps[0]
        for p in phases
        for c in p.chains
        if (c.steps[0].service, c.steps[0].method, c.steps[0].path) == (service, "POST", path)
    )


async def race(runner: SpreadRunner, steps: list[Step]) -> None:
    """Each command with one key reaches every instance at once: one answer, one record."""
    for step in steps:
        answers = await runner.everywhere(step)
        assert {a.status_code for a in answers} == {201}, [a.text for a in answers]
        assert len({a.content for a in answers}) == 1


def test_three_instances_each_one_killed_lose_nothing_and_apply_each_command_once(
    fresh_db: Any,
) -> None:
    databases = {s: fresh_db(s[:5]) for s in FOUR}
    fleet = Replicas(databases, f".scale{uuid.uuid4().hex[:8]}", first_port=20310)
    started = time.monotonic()
    killed: dict[str, int] = {}
    try:
        fleet.start()
        runner = asyncio.run(play(fleet, killed))
        # (a command whose instance died after its commit is answered 409 in doubt on retry)
        refused = [r for r in runner.outcome.unexpected if r.rule != "idempotency-key-in-doubt"]
        assert refused == [], runner.outcome.summary()
        assert set(killed) == set(FOUR)
        # A surviving instance's relay took the lead and published everything committed.
        for service in check.WRITERS:
            one_leads = lambda s=service: len(fleet.relay_leaders(s)) == 1  # noqa: E731
            wait_for(one_leads, what=f"one relay of {service} leading")
        wait_for(lambda: check.relays_drained(databases), timeout=120, what="relays drained")
        committed = check.committed(databases)
        events = check.on_kafka(databases)
        published = {(e["ce_source"], e["ce_id"]) for e in events}
        assert committed - published == set(), "committed events missing on Kafka"
        assert published - committed == set(), "events on Kafka that no store holds"
        # No 2xx lost, each key applied once, each command's events where its key says.
        assert check.keys_applied_once(databases, runner.answers, events, runner.in_doubt) == []
        assert check.effects_missing(runner.answers, events) == []
        # Reporting's read models equal one process's reading of the same topics.
        wait_for(
            lambda: check.reporting_caught_up(databases["reporting"]),
            timeout=120,
            what="the surviving reporting instances caught up",
        )
        # Each partition's lag comes from its owner alone: an instance that lost a partition in
        # a rebalance no longer exports its last lag (a stale one would hold the alert up).
        reporting = [p.url for p in fleet.instances["reporting"]]
        assert check.lag_reported_twice(reporting) == []
        fleet.stop()
        differences = asyncio.run(check.single_instance_differences(databases["reporting"]))
        assert differences == []
        log.warning(
            "scale run: %d commands answered 2xx, %d in doubt, %d events committed,"
            " resent %s, killed %s, %.0f s",
            len(runner.answers), len(runner.in_doubt), len(committed), dict(runner.resent), killed,
            time.monotonic() - started,
        )  # fmt: skip
    finally:
        fleet.stop()
