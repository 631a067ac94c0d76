"""``ssp retention due|apply <service>``: the retention schedule, shredding subjects at expiry."""

import argparse
from datetime import UTC, datetime
from typing import Any

from services.cli.subject_commands import HOLDERS
from services.runtime.settings import ServiceSettings


def register(sub: Any) -> None:
    """Add ``ssp retention``."""
    retention = sub.add_parser(
        "retention", help="subjects whose records have all expired: list (due) or erase (apply)"
    )
    retention.add_argument("action", choices=["due", "apply"])
    retention.add_argument("service", choices=HOLDERS)
    retention.add_argument("--db", help="database name (default: the service's)")
    retention.add_argument(
        "--at",
        type=datetime.fromisoformat,
        help="the instant to judge expiry at, with offset (default now)",
    )
    retention.set_defaults(func=retention_command)


def retention_command(args: argparse.Namespace) -> int:
    """Print the subjects due (pseudonym, kind, expiry); ``apply`` erases them, each recorded."""
    import importlib

    from services.runtime.eventstore import open_application
    from services.runtime.retention import apply_retention, due
    from services.runtime.serve import spec_module

    at = args.at or datetime.now(UTC)
    if at.tzinfo is None:
        print("ssp retention: --at needs a UTC offset")
        return 2
    overrides = {"db_name": args.db} if args.db else {}
    settings = ServiceSettings.for_service(args.service, **overrides)
    spec = importlib.import_module(spec_module(args.service)).SPEC
    app = open_application(spec.application_class, settings)
    try:
        rows = due(app.subjects, at)
        for row in rows:
            expired = row.retain_until.isoformat() if row.retain_until else "-"
            print(f"retention: {args.service} {row.pseudonym} {row.record_kind} expired {expired}")
        if args.action == "apply":
            erased = apply_retention(app, at)
            print(f"retention: {erased} subjects of {args.service} erased at expiry")
        else:
            print(f"retention: {len(rows)} subjects of {args.service} due by {at.isoformat()}")
    finally:
        app.close()
    return 0
