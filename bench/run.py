"""Run every benchmark on the local stack, print one table and write it into bench/README.md."""

import argparse
import json
import platform
from datetime import UTC, datetime
from pathlib import Path

from bench import commit_bench, e2e_bench, http_bench, projection_bench, relay_bench, replay_bench
from bench.common import Measure
from bench.projection_bench import TOPIC
from bench.table import render, write_into
from services.runtime.settings import ServiceSettings
from services.runtime.topic_ends import end_offsets

HERE = Path(__file__).parent
RESULTS = HERE / "results"


def main() -> None:
    """Relay first (it fills the canary topic the projection then reads)."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--events", type=int, default=20_000, help="events for the relay run")
    parser.add_argument(
        "--replay-events", type=int, default=20_000, help="history the replay reads at least"
    )
    parser.add_argument("--seconds", type=float, default=10, help="length of each HTTP run")
    parser.add_argument("--only", nargs="*", help="relay projection replay http e2e commit")
    parser.add_argument("--no-write", action="store_true", help="leave bench/README.md alone")
    args = parser.parse_args()
    only = set(args.only or ("relay", "projection", "replay", "http", "e2e", "commit"))
    # The projection reads what the relay run publishes: note where that starts.
    before = end_offsets(
        ServiceSettings.for_service("selftest").kafka_bootstrap, [TOPIC], "selftest"
    )
    measures: list[Measure] = []
    if "relay" in only:
        measures.append(relay_bench.run(args.events))
    elif "projection" in only:
        relay_bench.run(args.events)  # the records the projection reads, as in a full run
    if "projection" in only:
        measures.append(projection_bench.run(before))
    if "replay" in only:
        measures.extend(replay_bench.run(args.replay_events))
    if "http" in only:
        measures.extend(http_bench.run(args.seconds))
    if "e2e" in only:
        measures.extend(e2e_bench.run(args.seconds))
    if "commit" in only:
        measures.extend(commit_bench.run(args.seconds / 2))
    when = datetime.now(UTC)
    table = render(measures, when)
    print(table)
    if not args.no_write:
        write_into(HERE / "README.md", table)
    RESULTS.mkdir(exist_ok=True)
    record = {
        "when": when.isoformat(),
        "machine": f"{platform.machine()} {platform.python_version()}",
        "results": [
            {
                "name": m.name,
                "events": m.events,
                "rate": round(m.rate),
                "baseline": m.baseline,
                "baseline_rate": round(m.baseline_rate),
                "ratio": round(m.ratio, 3),
                "goal": m.goal,
            }
            for m in measures
        ],
    }
    (RESULTS / "latest.json").write_text(json.dumps(record, indent=2))


if __name__ == "__main__":
    main()
