"""``ssp drill``: the restore drill with its figures, for docs/reliability.md."""

import argparse
import os
import re
import statistics
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from services.cli.faults.report import machine
from services.cli.recovery.drill import DrillOptions, DrillResult, run_drill

STEPS = (
    ("restore", "drop the four databases and the registry's; restore them as of the target"
     " (scratch cluster, dump, restore, verify)"),
    ("restore+swap", "... and swap them in"),
    ("broker", "kill Kafka, wipe its data, start it, topics created (from this step's start)"),
    ("republish", "... every store republished"),
    ("rebuild", "... reporting rebuilt from the new topics, compared, audit verified, swapped"),
    ("to serving", "the whole platform serving and caught up, from the database loss"),
)  # fmt: skip
RPO_TARGET, RTO_TARGET = 35.0, 900.0
BEGIN, END = "<!-- restore drill: written by ssp drill -->", "<!-- end of restore drill -->"


def register(sub: Any) -> None:
    """Add ``ssp drill`` to the command line."""
    p = sub.add_parser("drill", help="the restore drill: PITR of the stores, Kafka rebuilt")
    p.add_argument("--schools", type=int, default=245)
    p.add_argument("--officers", type=int, default=135)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--phase", type=float, default=150.0, help="seconds of load either side")
    p.add_argument("--keep", action="store_true", help="keep the drill's databases afterwards")
    p.add_argument("--write", type=Path, help="put the figures in this document's drill section")
    p.set_defaults(func=drill)


def drill(args: argparse.Namespace) -> int:
    """Run the drill; exit 1 if any check failed."""
    opts = DrillOptions(args.schools, args.officers, args.seed, args.phase, args.keep)
    result = run_drill(opts)
    text = markdown(result, opts)
    print(text)
    if args.write:
        write_section(args.write, text)
        print(f"written to {args.write}")
    for failure in result.failures():
        print(f"FAILED {failure}")
    return 1 if result.failures() else 0


def markdown(r: DrillResult, opts: DrillOptions) -> str:
    """The drill's section of docs/reliability.md."""
    s = r.seconds
    risk = r.wal_at_risk or [0.0]
    rows = "\n".join(
        f"| {svc} | {r.at_target.get(svc, 0):,} | {r.after_target.get(svc, 0):,}"
        f" | {r.restored.get(svc, 0):,} | {'yes' if r.exact.get(svc) else 'NO'} |"
        for svc in r.at_target
    )
    sizes = ", ".join(f"{svc} {mb:.0f} MB" for svc, mb in r.megabytes.items())
    steps = "\n".join(f"| {label} | {s.get(key, 0):.1f} |" for key, label in STEPS)
    return f"""{BEGIN}
## Restore drill (`ssp drill`)

Latest run {datetime.now(UTC):%Y-%m-%d %H:%M} UTC on {machine()} (load average
{os.getloadavg()[0]:.0f} at the end): the demo's workload with
{opts.schools} schools and {opts.officers} officers (seed {opts.seed}) through the HTTP APIs,
{opts.phase:.0f} s of load before and after the target; base backup {r.backup} taken after
the workload's setup in {s.get("backup", 0):.1f} s; {r.requests:,} HTTP requests answered in all.
The databases at the loss: {sizes}.

| store | events at the target | events at the loss | restored | exactly those up to the target |
|---|---|---|---|---|
{rows}

- reporting restored with the same row counts as at the target:
  {"yes" if r.reporting_rows_equal else "NO"}; its audit trail {r.restored_audit}
- the subject registry restored with exactly its {r.restored.get("subjects", 0):,} rows at the
  target: {"yes" if r.exact.get("subjects") else "NO"}
- republished ids equal the stores' published events: {"yes" if r.on_kafka_equal else "NO"};
  rebuilt read models equal the restored ones: {"yes" if not r.differences else "NO"};
  rebuilt audit trail {r.audit}

Targets: a recovery point of at most {RPO_TARGET:.0f} s (`archive_timeout` 30 s, plus the time
to archive a segment) and a recovery time of at most {RTO_TARGET / 60:.0f} minutes from losing
both the databases and Kafka to a serving platform. CI runs the drill small and asserts the
checks above, never the timings.

**Recovery point** (seconds of WAL written but not yet archived, sampled twice a second while
the load ran): at most {max(risk):.1f} s, median {statistics.median(risk):.1f} s over
{len(risk)} samples ({"met" if max(risk) <= RPO_TARGET else "MISSED"}). A commit is at risk
from the moment it is written until its segment reaches the repository; without
`archive_timeout` a quiet platform could keep a partly filled 16 MB segment for hours.

**Recovery time** ({"met" if s.get("to serving", 1e9) <= RTO_TARGET else "MISSED"}), from the
loss:

| step | seconds |
|---|---|
{steps}
{END}"""


def write_section(path: Path, section: str) -> None:
    """Replace the drill section of ``path`` (or append it)."""
    text = path.read_text() if path.exists() else ""
    pattern = re.compile(re.escape(BEGIN) + r".*?" + re.escape(END), re.S)
    if pattern.search(text):
        text = pattern.sub(lambda _: section, text)
    else:
        text = text.rstrip("\n") + "\n\n" + section + "\n"
    path.write_text(text)
