"""``ssp replay`` and ``ssp report --as-of``: the auditor's tools on the command line."""

import argparse
import asyncio
import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, datetime
from typing import Any

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

from services.reporting.as_of import figures_as_of
from services.reporting.replay import (
    ReplayError,
    Window,
    check_topics,
    export_jsonl,
    replay_into,
)
from services.runtime.settings import ServiceSettings


def register(subparsers: Any) -> None:
    """Add ``replay`` and ``report`` to the ``ssp`` parser."""
    replay = subparsers.add_parser("replay", help="rebuild read models as they stood, from Kafka")
    replay.add_argument("--from", dest="start", required=True, help="ISO time with timezone")
    replay.add_argument("--to", dest="end", help="ISO time with timezone (default: now)")
    replay.add_argument("--topics", nargs="+", help="event topics (default: all)")
    target = replay.add_mutually_exclusive_group(required=True)
    target.add_argument("--into", help="fresh schema to build the read models in")
    target.add_argument("--out", help="write the events as JSON Lines to this file instead")
    replay.add_argument("--db", help="reporting database (default: the service's)")
    replay.set_defaults(func=_guarded(_replay))

    report = subparsers.add_parser("report", help="figures as they stood on a past date")
    report.add_argument("--as-of", required=True, help="a date, YYYY-MM-DD")
    report.add_argument("--term", help="term to report (default: the term of --as-of)")
    report.add_argument("--format", choices=["text", "json"], default="text")
    report.add_argument("--keep-schema", action="store_true", help="keep the replayed schema")
    report.add_argument("--db", help="reporting database (default: the service's)")
    report.set_defaults(func=_guarded(_report))


def _guarded(command: Callable[[argparse.Namespace], int]) -> Callable[[argparse.Namespace], int]:
    def run(args: argparse.Namespace) -> int:
        try:
            return command(args)
        except ReplayError as exc:
            print(f"ssp {args.command}: {exc}", file=sys.stderr)
            return 2

    return run


def _moment(text: str | None, flag: str) -> datetime | None:
    if text is None:
        return None
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        raise ReplayError(f"{flag}: not an ISO 8601 time: {text!r}") from None


def _settings(args: argparse.Namespace) -> ServiceSettings:
    return ServiceSettings.for_service("reporting", **({"db_name": args.db} if args.db else {}))


@contextmanager
def _progress(label: str) -> Iterator[Callable[[int, int], None]]:
    console = Console(stderr=True)
    columns = (BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
    with Progress(*Progress.get_default_columns()[:1], *columns, console=console) as bar:
        task = bar.add_task(label, total=None)
        yield lambda done, total: bar.update(task, completed=done, total=total)


def _replay(args: argparse.Namespace) -> int:
    window = Window(_moment(args.start, "--from"), _moment(args.end, "--to"))
    check_topics(args.topics)  # refuse bad input before any output
    settings = _settings(args)
    with _progress("replaying") as progress:
        if args.out:
            with open(args.out, "w") as out:
                written, skipped = asyncio.run(
                    export_jsonl(settings.kafka_bootstrap, out, window, args.topics, progress)
                )
            print(f"replay: {written} events written to {args.out}; {len(skipped)} skipped")
        else:
            report = asyncio.run(replay_into(settings, args.into, window, args.topics, progress))
            written, skipped = report.applied, report.skipped
            print(
                f"replay: {written} events applied into schema {args.into}; {len(skipped)} skipped"
            )
    for reason in skipped[:20]:
        print(f"  skipped {reason}", file=sys.stderr)
    return 0


def _report(args: argparse.Namespace) -> int:
    try:
        day = date.fromisoformat(args.as_of)
    except ValueError:
        raise ReplayError(f"--as-of: not a date (YYYY-MM-DD): {args.as_of!r}") from None
    with _progress(f"replaying up to {day}") as progress:
        figures = asyncio.run(
            figures_as_of(
                _settings(args),
                day,
                term=args.term,
                keep_schema=args.keep_schema,
                progress=progress,
            )
        )
    if args.format == "json":
        print(json.dumps(figures, indent=2, default=str))
    else:
        _print_figures(figures)
    return 0


def _print_figures(f: dict[str, Any]) -> None:
    print(f"Figures as of {f['as_of']} (term {f['term']}; {f['events_applied']} events)")
    print("\nAbstraction and ring-fencing by borough")
    for r in [*f["abstraction_london"], *f["abstraction_by_borough"]]:
        print(
            f"  {r.get('key') or 'London':<24} rostered {r['rostered_hours']:>9,.1f} h  "
            f"abstracted {r['abstracted_hours']:>8,.1f} h  rate {_pct(r['abstraction_rate'])}"
            f"  ring-fenced {r['ring_fenced_officers']:>3}  breaches {r['ring_fence_breaches']}"
        )
    print("\nDisclosures")
    for r in f["disclosures"]:
        print(
            f"  {r['borough']:<24} {r['urgency']:<8} requests {r['requests']:>4}  "
            f"median turnaround {r['median_turnaround_hours']} h"
        )
    print("\nValue for money")
    for r in f["value_for_money"]:
        print("  " + ", ".join(f"{k} {v}" for k, v in r.items()))


def _pct(rate: float | None) -> str:
    return "   n/a" if rate is None else f"{100 * rate:5.1f}%"
