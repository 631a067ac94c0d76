"""``ssp backup``, ``ssp restore`` and ``ssp republish``: the operator's recovery commands."""

import argparse
import asyncio
import importlib
import sys
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from services.cli.recovery import repository
from services.cli.recovery.repository import RecoveryError
from services.cli.recovery.restore import STORES

REPUBLISHERS = ("incidents", "disclosure", "staffing", "selftest")
# With the subject registry, which the stores' pseudonyms must agree with as of the same time.
ALL_STORES = ("incidents", "disclosure", "staffing", "reporting", "subjects")


def register(sub: Any) -> None:
    """Add ``backup``, ``restore`` and ``republish`` to the ``ssp`` parser."""
    backup = sub.add_parser("backup", help="take a base backup of the PostgreSQL cluster")
    backup.add_argument("--type", choices=["full", "diff", "incr"], default="incr")
    backup.add_argument("--list", action="store_true", help="only list the backups held")
    backup.set_defaults(func=_refusing(_backup))

    restore = sub.add_parser(
        "restore", help="restore one store as of a time into a fresh database, then verify it"
    )
    restore.add_argument("--service", required=True, choices=[*STORES, "all"])
    restore.add_argument("--to", help="ISO 8601 time with timezone: the state to restore")
    restore.add_argument("--db", help="the live database (default: the service's)")
    restore.add_argument("--into", help="fresh database (default: <db>_restored_<time>)")
    restore.add_argument(
        "--swap", action="store_true", help="then put it in the live one's place (service stopped)"
    )
    restore.add_argument("--restored", help="with --swap and no --to: a database restored earlier")
    restore.set_defaults(func=_refusing(_restore))

    republish = sub.add_parser(
        "republish", help="publish a store's events to Kafka again, after a broker loss"
    )
    republish.add_argument("--service", required=True, choices=REPUBLISHERS)
    republish.add_argument("--from", dest="start", type=int, default=1, help="notification id")
    republish.add_argument("--db", help="database name (default: the service's)")
    republish.set_defaults(func=_refusing(_republish))


def _refusing(command: Callable[[argparse.Namespace], int]) -> Callable[[argparse.Namespace], int]:
    """Refusals are one line on stderr and exit code 2."""

    def run(args: argparse.Namespace) -> int:
        try:
            return command(args)
        except RecoveryError as exc:
            print(f"ssp {args.command}: {exc}", file=sys.stderr)
            return 2

    return run


def _backup(args: argparse.Namespace) -> int:
    tools = repository.Tools.from_env()
    if not args.list:
        taken = repository.backup(tools, args.type)
        print(f"backup {taken['label']} ({taken['type']}) taken")
    stanza = repository.info(tools)
    for b in stanza["backup"]:
        stop = datetime.fromtimestamp(b["timestamp"]["stop"], UTC)
        size = b["info"]["repository"]["delta"] / 1e6
        print(f"{b['label']}\t{b['type']}\t{stop:%Y-%m-%dT%H:%M:%SZ}\t{size:.1f} MB in repo")
    for archive in stanza.get("archive", []):
        print(f"WAL archived: {archive.get('min')} .. {archive.get('max')}")
    print(f"WAL not yet archived: {asyncio.run(repository.unarchived_seconds()):.1f} s")
    return 0


def _restore(args: argparse.Namespace) -> int:
    from services.cli.recovery import restore

    if args.to is None:
        if not (args.swap and args.restored):
            raise RecoveryError("--to: give the time to restore to (or --swap --restored NAME)")
        if args.service == "all":
            raise RecoveryError("--restored: swap one store at a time")
        return _swap_one(args.service, args.restored, args.db)
    if args.restored:
        raise RecoveryError("--restored: only with --swap and without --to")
    target = _time(args.to)
    if args.service == "all":
        if args.db or args.into or args.restored:
            raise RecoveryError("--service all: restores each store's own database; no --db/--into")
        stores: dict[str, str | None] = dict.fromkeys(ALL_STORES)
    else:
        stores = {args.service: args.db}
    found = restore.restore_stores(stores, target, args.into)
    print(f"restored {', '.join(stores)} as of {target.isoformat()}")
    for store in found:
        print("\n".join(store.lines()))
    if args.swap:
        for service, store in zip(stores, found, strict=True):
            _swap_one(service, store.database, stores[service])
        return 0
    for service, store in zip(stores, found, strict=True):
        print(
            f"to put it in place: stop the {service} service, then"
            f" ssp restore --service {service} --swap --restored {store.database}"
            + (f" --db {args.db}" if args.db else "")
        )
    return 0


def _swap_one(service: str, restored: str, db: str | None) -> int:
    from services.cli.recovery import restore

    retired = restore.swap(service, restored, db)
    kept = f"; the replaced one is kept as {retired}" if retired else ""
    print(f"swapped: {restored} is now {service}'s live database{kept}")
    return 0


def _time(text: str) -> datetime:
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        raise RecoveryError(f"--to: not an ISO 8601 time: {text!r}") from None
    if value.tzinfo is None:
        raise RecoveryError("--to: give a timezone, e.g. 2026-11-29T10:15:00Z or +00:00")
    return value


def _republish(args: argparse.Namespace) -> int:
    from services.runtime.eventstore import open_application
    from services.runtime.relay_republish import RepublishRefused, republish
    from services.runtime.serve import spec_module
    from services.runtime.settings import ServiceSettings

    spec = importlib.import_module(spec_module(args.service)).SPEC
    settings = ServiceSettings.for_service(
        args.service, **({"db_name": args.db} if args.db else {})
    )

    async def main() -> tuple[int, int]:
        app = await asyncio.to_thread(open_application, spec.application_class, settings)
        try:
            return await republish(app, spec.translator, settings, args.start)
        finally:
            await asyncio.to_thread(app.close)

    try:
        count, old = asyncio.run(main())
    except RepublishRefused as exc:
        raise RecoveryError(str(exc)) from exc
    print(
        f"republished {args.service}: {count} notifications from {args.start} read and sent"
        f" (the relay had been at {old}; it is at the end again)"
    )
    return 0
