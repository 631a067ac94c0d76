"""The main job: a seeded term of the London programme, played through the services' APIs."""

import argparse
import asyncio
import os
import random
import sys
import time
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from ssp_contracts.topics import topic_prefix

from services.cli import launcher, report_figures, report_protocol
from services.cli.commands import UsageError
from services.cli.report_chronologies import print_chronologies
from services.cli.report_html import write_report
from services.cli.report_school_records import print_school_records
from services.cli.report_text import print_report
from services.cli.workload import platform
from services.cli.workload.calendar import MAX_WEEKS, choose_term
from services.cli.workload.plan_activities import Activities
from services.cli.workload.plan_chronologies import chronology_phase
from services.cli.workload.plan_disclosure import Disclosures
from services.cli.workload.plan_incidents import Incidents
from services.cli.workload.plan_protocol import INCIDENTS as PROTOCOL_INCIDENTS
from services.cli.workload.plan_protocol import protocol_phase
from services.cli.workload.plan_schools import indicators_phase, probes_phase
from services.cli.workload.plan_searches import Searches
from services.cli.workload.plan_staffing import Abstractions, protocol_hours_phase, setup_phases
from services.cli.workload.runner import Outcome, Runner
from services.cli.workload.steps import AUDITOR, Phase
from services.cli.workload.world import World, build_world
from services.runtime.paging import NEXT_HEADER
from services.runtime.settings import REPO_ROOT, shared

CONCURRENCY = 24


def plan(args: argparse.Namespace, today: date) -> tuple[World, list[Phase], Counter[str]]:
    """The seeded world and every phase of requests, with the counts reporting should show."""
    if not 1 <= args.weeks <= MAX_WEEKS:
        raise UsageError(f"--weeks must be between 1 and {MAX_WEEKS} (a term)")
    if args.schools < 1 or args.officers < 1 or args.officers > 2 * args.schools:
        raise UsageError("--schools and --officers must be at least 1, officers at most 2 a school")
    rng = random.Random(args.seed)
    world = build_world(rng, args.schools, args.officers, choose_term(today, args.weeks), today)
    phases = [*setup_phases(world, rng), protocol_hours_phase(world)]
    abstractions, incidents = Abstractions(world, rng), Incidents(world, rng)
    searches, disclosures = Searches(world, rng), Disclosures(world, rng)
    activities = Activities(world)
    monday = world.term.starts_on - timedelta(world.term.starts_on.weekday())
    week = 0
    while monday <= world.term.ends_on:
        chains = [*abstractions.week(monday), *incidents.week(monday)]
        chains += [*searches.week(monday), *disclosures.week(monday)]
        chains += activities.week(monday)
        if chains:  # half-term weeks have none
            week += 1
            phases.append(Phase(f"term week {week} ({monday:%d %b})", chains))
        monday += timedelta(7)
    phases.append(indicators_phase(world, rng, args.weeks))
    phases.append(probes_phase(world, world.term.ends_on))
    phases.append(protocol_phase(world, world.term.ends_on))
    chronologies, reads = chronology_phase(world, incidents.pupils_seen)
    phases.append(chronologies)
    expected = Counter({"schools": len(world.schools), "officers": len(world.officers)})
    for part in (abstractions.expected, incidents.expected, searches.expected, activities.expected):
        expected.update(part)
    expected.update(disclosures.expected)
    # The probes: one serious incident at 11:00 (closed once the head is told), one request
    expected.update({"incidents": 1, "closed": 1, "dealt_with": 1, "disclosures:routine": 1})
    expected.update({"incidents": PROTOCOL_INCIDENTS, "chronologies": reads})
    return world, phases, expected


def _progress(console: Console) -> Progress:
    return Progress(
        TextColumn("{task.description:<38}"), BarColumn(), MofNCompleteColumn(),
        TimeElapsedColumn(), console=console,
    )  # fmt: skip


async def _play(
    urls: dict[str, str], world: World, phases: list[Phase], progress: Progress
) -> Outcome:
    runner = Runner(urls, CONCURRENCY, progress)
    started = time.monotonic()
    try:
        setup, term = phases[:5], phases[5:]
        for phase in setup:
            await runner.run(phase, progress.add_task(phase.name, total=phase.requests))
        await _deployments_known(urls["incidents"], world, runner, progress)
        for phase in term:
            await runner.run(phase, progress.add_task(phase.name, total=phase.requests))
    finally:
        await runner.close()
    runner.outcome.seconds = time.monotonic() - started
    return runner.outcome


async def _deployments_known(url: str, world: World, runner: Runner, progress: Progress) -> None:
    """Officers act only where incidents' own view (fed by staffing's events) says they serve."""
    wanted = {(o.officer_id, s) for o in world.officers for s in o.schools}
    task = progress.add_task("deployments reach incidents' view", total=len(wanted))
    deadline = time.monotonic() + 120
    while True:
        known = {
            (d["officer_id"], s)
            for d in await _every_deployment(url, runner)
            for s in d["school_ids"]
        }
        progress.update(task, completed=len(wanted & known))
        if wanted <= known:
            return
        if time.monotonic() > deadline:
            raise RuntimeError("staffing's deployments did not reach the incidents service")
        await asyncio.sleep(0.5)


async def _every_deployment(url: str, runner: Runner) -> list[dict[str, Any]]:
    """Every deployment incidents' view knows, a page at a time (more than a page at scale)."""
    found: list[dict[str, Any]] = []
    params: dict[str, str] = {"limit": "1000"}
    while True:
        answer = await runner.client.get(
            f"{url}/deployments", params=params, headers=runner.headers(AUDITOR, "incidents")
        )
        found += answer.json()
        if (cursor := answer.headers.get(NEXT_HEADER)) is None:
            return found
        params = {**params, "cursor": cursor}


def _service_env(databases: dict[str, str], term: str) -> dict[str, str]:
    suffix = f".demo-{int(time.time())}"
    # Reporting's gauges (and so Grafana and the alerts) show the term the demo plays.
    env = {"SSP_REPORTING_METRICS_TERM": os.environ.get("SSP_REPORTING_METRICS_TERM") or term}
    for service, db in databases.items():
        prefix = f"SSP_{service.upper()}_"
        env[f"{prefix}DB_NAME"] = db
        env[f"{prefix}CONSUMER_GROUP_SUFFIX"] = os.environ.get(
            f"{prefix}CONSUMER_GROUP_SUFFIX", suffix
        )
    return env


def run_demo(args: argparse.Namespace) -> int:
    """Start the platform, play the term, wait for reporting, print and write the report."""
    console = Console(width=None if sys.stdout.isatty() else 150)
    today = datetime.now(UTC).date()
    world, phases, expected = plan(args, today)
    term = world.term
    console.print(
        f"[bold]SSP demo[/] seed {args.seed}: {len(world.schools)} schools"
        f" ({sum(s.pupil_count for s in world.schools):,} pupils) in {len(world.boroughs)}"
        f" boroughs, {len(world.officers)} officers; term {term.name}"
        f" {term.starts_on:%d %b} to {term.ends_on:%d %b %Y};"
        f" {sum(p.requests for p in phases):,} requests planned"
    )
    databases = platform.prepare_databases()
    platform.start_read_models_at_end(databases)
    console.print(
        "starting the services: " + ", ".join(f"{s} (db {d})" for s, d in databases.items())
    )
    urls = launcher.restart(list(platform.SERVICES), _service_env(databases, term.name))
    with _progress(console) as progress:
        outcome = asyncio.run(_play(urls, world, phases, progress))
        task = progress.add_task("reporting catches up", total=None)

        def left(n: int) -> None:
            progress.update(task, description=f"reporting catches up ({n} left)")

        waited = platform.wait_caught_up(databases, left, timeout=600)
    console.print(
        f"{outcome.requests:,} requests in {outcome.seconds:.1f}s"
        f" ({outcome.requests / max(outcome.seconds, 0.001):.0f}/s); reporting caught up"
        f" {waited:.1f}s later"
    )
    # Every business time of the term is before today: closures and decisions after term end count.
    as_of = datetime.combine(today, datetime.min.time(), UTC)
    figures = report_figures.summarise(report_figures.fetch(urls["reporting"], term.name, as_of))
    figures["expected"] = dict(expected)
    figures["run"] = {"seed": args.seed, "term": term.name, "databases": databases, "urls": urls}
    print_report(console, term.name, figures)
    print_school_records(console, figures["school_records"])
    print_chronologies(console, figures["chronologies"])
    figures["protocol"] = report_protocol.fetch(urls, today)
    report_protocol.print_protocol(console, figures["protocol"])
    links = _links(urls)
    name = f"demo-seed{args.seed}-{args.schools}s-{args.officers}o-{args.weeks}w.html"
    path = write_report(
        Path(shared("REPORTS_DIR", str(REPO_ROOT / "reports"))) / name, term.name, figures, links
    )
    console.rule("Where to look")
    for what, link in links.items():
        console.print(f"{what}: {link}")
    console.print(f"HTML report: {path}")
    console.print(
        f"audit trail check: SSP_REPORTING_DB_NAME={databases['reporting']} ssp audit verify"
    )
    prefix = topic_prefix()
    if prefix:
        console.print(
            f"topics: {prefix}ssp.*; give SSP_TOPIC_PREFIX={prefix} to ssp replay/rebuild"
        )
    console.print("the services keep running for exploration; `make down` stops them")
    return _refusals(console, outcome)


def _links(urls: dict[str, str]) -> dict[str, str]:
    links = {f"{s} API docs": f"{u}/docs" for s, u in urls.items()}
    links |= {f"{s} metrics": f"{u}/metrics" for s, u in urls.items()}
    links["Prometheus"] = shared("PROM_URL", f"http://127.0.0.1:{shared('PROM_PORT', '19090')}")
    return links


def _refusals(console: Console, outcome: Outcome) -> int:
    """Print what the services refused; non-zero exit when anything was unexpected."""
    for (expected, what, status, rule), n in sorted(outcome.summary().items()):
        label = "protocol held (probe)" if expected else "[red]UNEXPECTED[/]"
        console.print(f"{label}: {n} x {what} -> {status} {rule}")
    unexpected = outcome.unexpected
    for r in unexpected[:5]:
        console.print(f"  e.g. {r.what}: {r.status} {r.message[:200]}")
    if unexpected:
        console.print(f"[red]{len(unexpected)} unexpected refusals: the workload has a bug[/]")
        return 1
    console.print("no unexpected refusals")
    return 0
