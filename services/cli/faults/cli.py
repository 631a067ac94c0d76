"""``ssp faults``: the fault-injection suite with its table of figures."""

import argparse
import logging
import time
from pathlib import Path

from services.cli.faults.faults import BY_KEY
from services.cli.faults.report import table, write
from services.cli.faults.suite import Options, run_suite

INTRO = """# Reliability under faults

`make faults` (or `ssp faults`, with `ARGS='--events 5000 --outage 5'` for a small run) starts
the platform on fresh databases — the three writing services with their outbox relays as
processes of their own (`ssp relay run <service> --db ...`), reporting with its projection
runners, and the canary service (`selftest`: store, relay and projection) — and drives a
steady load: the demo's London term through the services' HTTP command paths (all five
event topics, every kind of event the term records), topped up by canary events written
straight into the canary store so that the run reaches its volume. With the load running it
injects, in turn: a SIGKILL of the incidents relay, a SIGKILL of reporting (its projection
runners), a SIGKILL of the Kafka broker, a crash of PostgreSQL (SIGQUIT to the postmaster,
what `pg_ctl stop -m immediate` sends), a cut of reporting's database (connections refused
and terminated for the whole outage, longer than the runner's 2 s retry), and poison
messages (a bad CloudEvent, an unknown type, a header that is not UTF-8) on every topic.
Each outage lasts `--outage` seconds (60 by default); the restarts go through
`deploy/local/stack.sh up` and the processes' own commands.

Each row is cumulative since the run began and is taken once the load has been paused and
the pipeline given time to drain:

- **committed**: events in the stores' notification logs that go on Kafka (internal events
  never do), across the three services and the canary store;
- **distinct on Kafka**: distinct (`ce_source`, `ce_id`) of the run read back from the
  topics (from the offsets where they ended when the run began);
- **applied**: committed events recorded as applied by the read models' tracking
  (reporting's audit trail runner for the five event topics, the canary log for the
  selftest topic); **lost** = committed events never applied;
- **duplicates applied**: rows beyond the first for one event id in the canary log (which
  has no unique key, so a second application would show) and in the audit trail;
- **dead-lettered**: records on the run's `<topic>.dlq` topics; every poison message must be
  dead-lettered, with its reason, by every runner that consumes its topic;
- **catch-up**: from the dependency being ready again (process restarted and answering,
  broker answering metadata, database accepting connections) until every event committed
  before that moment is applied; **fault**: from the injection until ready again.

Targets: applied ÷ committed = 1.000, distinct on Kafka = committed, lost 0, duplicates
applied 0, poison 100% dead-lettered with its reason, catch-up no longer than twice the
fault. CI (`tests/reliability/test_faults.py`) runs every fault at a small scale (5,000
events, 5 s outages; about 3 minutes on a 2-core machine) and asserts the equalities, never
the timings.

After the suite, `make faults` runs the restore drill (`ssp drill`, the last section below):
the recovery point and recovery time of the stores and of Kafka, measured at the demo's scale;
the runbook they come from is [operations.md](operations.md)."""


def register(sub: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    """Add ``ssp faults`` to the command line."""
    p = sub.add_parser("faults", help="the fault-injection suite, with its table of figures")
    p.add_argument("--events", type=int, default=100_000, help="committed in total, at least")
    p.add_argument("--outage", type=float, default=60.0, help="seconds each fault lasts")
    p.add_argument("--settle", type=float, default=10.0, help="seconds of load before a fault")
    p.add_argument("--only", default=",".join(BY_KEY), help=f"faults, of {','.join(BY_KEY)}")
    p.add_argument("--schools", type=int, default=20)
    p.add_argument("--officers", type=int, default=12)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--write", type=Path, help="write the table here (docs/reliability.md)")
    p.add_argument("--drop", action="store_true", help="drop the run's databases at the end")
    p.set_defaults(func=faults)


def faults(args: argparse.Namespace) -> int:
    """Run the suite; exit 1 when any row misses a target."""
    from services.cli.commands import UsageError

    chosen = tuple(k.strip() for k in args.only.split(",") if k.strip())
    if unknown := [k for k in chosen if k not in BY_KEY]:
        raise UsageError(f"unknown fault {unknown[0]!r}; choose from {', '.join(BY_KEY)}")
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(levelname)s %(message)s")
    opts = Options(
        events=args.events, outage=args.outage, settle=args.settle, faults=chosen,
        schools=args.schools, officers=args.officers, seed=args.seed, drop=args.drop,
    )  # fmt: skip
    started = time.monotonic()
    rows, facts = run_suite(opts)
    print(table(rows))
    for line in facts + [f"{r.fault}: {note}" for r in rows for note in r.notes]:
        print(line)
    scale = (
        f"{rows[-1].counts.committed:,} events committed, outages of {opts.outage:.0f} s,"
        f" {opts.schools} schools and {opts.officers} officers (seed {opts.seed}),"
        f" {time.monotonic() - started:.0f} s in all"
    )
    if args.write:
        write(args.write, rows, scale, INTRO, facts)
        print(f"written to {args.write}")
    misses = [(r.fault, m) for r in rows for m in r.misses()]
    for fault, miss in misses:
        print(f"MISSED {fault}: {miss}")
    return 1 if misses else 0
