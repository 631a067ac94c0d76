"""``ssp keys``: the subject master keys of a service's store (status, rotation)."""

import argparse
from typing import Any

from services.runtime.settings import ServiceSettings

STORES = ("incidents", "disclosure", "staffing")


def register(sub: Any) -> None:
    """Add ``ssp keys status|rotate <service>``."""
    keys = sub.add_parser("keys", help="subject master keys: status, rotate (re-wrap data keys)")
    keys.add_argument("action", choices=["status", "rotate"])
    keys.add_argument("service", choices=STORES)
    keys.add_argument("--db", help="database name (default: the service's)")
    keys.add_argument(
        "--new-key",
        action="store_true",
        help="development only: add a new current master key to the state directory first",
    )
    keys.set_defaults(func=keys_command)


def keys_command(args: argparse.Namespace) -> int:
    """Print how many data keys each master key wraps; ``rotate`` re-wraps them all."""
    from services.runtime.masterkeys import add_dev_master_key
    from services.runtime.subjects import subject_keys_of

    overrides = {"db_name": args.db} if args.db else {}
    settings = ServiceSettings.for_service(args.service, **overrides)
    if args.new_key:
        if settings.subject_master_keys:
            print("ssp keys: --new-key is for the development keyring; configure the new key")
            return 2
        add_dev_master_key(args.service)
    subjects = subject_keys_of(settings)
    if args.action == "rotate":
        done = subjects.rotate()
        print(
            f"keys: {done} data keys of {args.service} re-wrapped under {subjects.keyring.current}"
        )
    for kid, count in sorted(subjects.still_wrapped_under().items()):
        mark = " (current)" if kid == subjects.keyring.current else ""
        print(f"keys: {args.service} master key {kid}{mark} wraps {count} data keys")
    return 0
