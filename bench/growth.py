"""Cost growth: a command, a list query and start-up with 1x, 10x and 100x history.

For each scale a fresh staffing database is seeded in bulk (``bench.growth_seed``), then
``ssp serve`` is started and timed from process start to ``/readyz`` 200 (several times), and
one client sends ``GET /schools?borough=Hackney`` (the probe borough's 10 schools, the same
answer at every scale) and ``POST /schools`` one after another. The figures at 10x and 100x
are compared with 1x (goal: p50 and p99 within 1.5 x). Run by ``make bench-growth``, which
writes the curve into bench/README.md between the ``bench:growth`` markers.
"""

import argparse
import contextlib
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import httpx

from bench.common import fresh_database
from bench.e2e_stages import p50, p99
from bench.growth_seed import PROBE_BOROUGH, PROBE_SCHOOLS, seed
from bench.http_bench import bench_port, school
from bench.table import write_into
from services.runtime.testing import ServiceProcess, bearer

GOAL = 1.5
# New schools go to a borough of their own, so the probe borough's list stays the same.
COMMAND_BOROUGH = "Bench"
BEGIN = "<!-- bench:growth:begin (written by make bench-growth) -->"
END = "<!-- bench:growth:end -->"
README = Path(__file__).parent / "README.md"


@dataclass
class Figures:
    """One scale's history and its measurements, in milliseconds."""

    scale: int
    events: int
    seed_seconds: float
    startup: list[float]
    command: list[float]
    query: list[float]
    db: str = ""


def measure(scales: list[int], rounds: int, requests: int) -> list[Figures]:
    """Seed every scale's database, then time the scales in turn, round after round, so that
    what else the machine does falls on each scale alike."""
    with contextlib.ExitStack() as stack:
        runs = []
        for scale in scales:
            db = stack.enter_context(fresh_database("benchgrowth"))
            began = time.perf_counter()
            events = seed(db, scale)
            runs.append(Figures(scale, events, time.perf_counter() - began, [], [], [], db))
            print(f"{scale}x: {events:,} events seeded in {runs[-1].seed_seconds:.0f} s")
        port = bench_port()
        for _ in range(rounds):
            for r in runs:
                _round(r, port, requests)
    return runs


def _round(r: Figures, port: int, requests: int) -> None:
    """Start the service on ``r``'s database (timed), then time the query and the command."""
    service = ServiceProcess("staffing", {"SSP_STAFFING_DB_NAME": r.db}, port=port)
    t0 = time.perf_counter()
    service.start()
    r.startup.append(1000 * (time.perf_counter() - t0))
    try:
        reader = dict(bearer("borough_supervisor", "sgt-bench", borough=PROBE_BOROUGH))
        writer = dict(bearer("borough_supervisor", "sgt-bench", borough=COMMAND_BOROUGH))
        with (
            httpx.Client(base_url=service.url, headers=reader, timeout=30) as reads,
            httpx.Client(base_url=service.url, headers=writer, timeout=30) as writes,
        ):
            r.query.extend(_timed(requests, lambda: _listed(reads)))
            r.command.extend(_timed(requests, lambda: _posted(writes)))
    finally:
        service.stop()


def _listed(client: httpx.Client) -> None:
    answer = client.get("/schools", params={"borough": PROBE_BOROUGH})
    if answer.status_code != 200 or len(answer.json()) != PROBE_SCHOOLS:
        raise RuntimeError(f"GET /schools: {answer.status_code} {answer.text[:200]}")


def _posted(client: httpx.Client) -> None:
    answer = client.post("/schools", json={**school(), "borough": COMMAND_BOROUGH})
    if answer.status_code != 201:
        raise RuntimeError(f"POST /schools: {answer.status_code} {answer.text[:200]}")


def _timed(n: int, call: object) -> list[float]:
    assert callable(call)
    for _ in range(max(5, n // 10)):  # warm-up: first connection, first loads
        call()
    took = []
    for _ in range(n):
        t0 = time.perf_counter()
        call()
        took.append(1000 * (time.perf_counter() - t0))
    return took


def render(runs: list[Figures], when: datetime) -> str:
    """The curve as one Markdown table; each row's ratios are against the first (1x) row."""
    base = runs[0]
    lines = [
        f"`make bench-growth`, {when:%Y-%m-%d %H:%M} UTC (staffing; ms; ratio to {base.scale}x"
        f" in brackets; goal ≤ {GOAL:g}x):",
        "",
        "| history | events | seeded in | start-up p50 / max | `POST /schools` p50 / p99"
        " | `GET /schools?borough=` p50 / p99 | met |",
        "|---|---:|---:|---:|---:|---:|---|",
    ]
    for r in runs:
        pairs = [
            (p50(r.startup), p50(base.startup), max(r.startup), max(base.startup)),
            (p50(r.command), p50(base.command), p99(r.command), p99(base.command)),
            (p50(r.query), p50(base.query), p99(r.query), p99(base.query)),
        ]
        ratios = [x / bx for a, ba, b, bb in pairs for x, bx in ((a, ba), (b, bb))]
        cells = [f"{a:,.0f} ({a / ba:.2f}) / {b:,.0f} ({b / bb:.2f})" for a, ba, b, bb in pairs]
        met = "—" if r is base else ("yes" if max(ratios) <= GOAL else "**no**")
        lines.append(
            f"| {r.scale}x | {r.events:,} | {r.seed_seconds:,.0f} s | " + " | ".join(cells)
            + f" | {met} |"
        )  # fmt: skip
    return "\n".join(lines)


def main() -> None:
    """Measure every scale, print the curve and write it into bench/README.md."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scales", type=int, nargs="+", default=[1, 10, 100])
    parser.add_argument("--rounds", type=int, default=5, help="start-ups per scale")
    parser.add_argument("--requests", type=int, default=60, help="of each kind per round")
    parser.add_argument("--no-write", action="store_true", help="leave bench/README.md alone")
    args = parser.parse_args()
    runs = measure(args.scales, args.rounds, args.requests)
    table = render(runs, datetime.now(UTC))
    print(table)
    if not args.no_write:
        write_into(README, table, BEGIN, END)


if __name__ == "__main__":
    main()
