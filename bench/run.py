"""Run the benchmarks on the local stack and print each rate against its raw baseline."""

import argparse
import json
import platform
from datetime import UTC, datetime
from pathlib import Path

from bench import projection_bench, relay_bench, replay_bench
from bench.projection_bench import TOPIC
from services.reporting.feed import end_offsets
from services.runtime.settings import ServiceSettings

RESULTS = Path(__file__).parent / "results"


def main() -> None:
    """Relay first (it fills the canary topic the projection then reads)."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--events", type=int, default=20_000, help="events for the relay run")
    parser.add_argument(
        "--replay-events", type=int, default=20_000, help="history the replay reads at least"
    )
    args = parser.parse_args()
    # The projection reads what the relay run publishes: note where that starts.
    before = end_offsets(ServiceSettings.for_service("selftest").kafka_bootstrap, [TOPIC])
    measures = [
        relay_bench.run(args.events),
        projection_bench.run(before),
        replay_bench.run(args.replay_events),
    ]
    for measure in measures:
        print(measure.line())
    RESULTS.mkdir(exist_ok=True)
    record = {
        "when": datetime.now(UTC).isoformat(),
        "machine": f"{platform.machine()} {platform.python_version()}",
        "results": [
            {
                "name": m.name,
                "events": m.events,
                "rate": round(m.rate),
                "baseline_rate": round(m.baseline_rate),
                "ratio": round(m.ratio, 3),
                "target": m.target,
            }
            for m in measures
        ],
    }
    (RESULTS / "latest.json").write_text(json.dumps(record, indent=2))


if __name__ == "__main__":
    main()
