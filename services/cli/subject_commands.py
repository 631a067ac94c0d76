"""``ssp keys`` (subject master keys: status, rotation), ``ssp erasure`` (every service) and
``ssp erasure-reapply`` (after a restore)."""

import argparse
import os
import sys
from typing import Any, get_args

from services.runtime.settings import ServiceSettings

STORES = ("incidents", "disclosure", "staffing")
# The services whose stores hold data subjects (staffing holds officers, by pseudonymous id).
HOLDERS = ("incidents", "disclosure")


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

    from ssp_contracts.events.erasure import LegalBasis

    erasure = sub.add_parser("erasure", help="erase a data subject in every service that holds it")
    erasure.add_argument("ref", help="the subject's reference (pupil-..., person-..., staff-...)")
    erasure.add_argument("--legal-basis", required=True, choices=get_args(LegalBasis))
    erasure.add_argument("--reason", required=True, help="why (kept in each store, not published)")
    erasure.add_argument("--actor", default="dpo-cli", help="development token's sub")
    erasure.add_argument(
        "--url",
        action="append",
        default=[],
        metavar="SERVICE=URL",
        help="a service's base URL (default http://127.0.0.1:<its port>)",
    )
    erasure.set_defaults(func=erasure_command)

    reapply = sub.add_parser(
        "erasure-reapply",
        help="after a restore: erase again subjects whose published erasure the backup predates",
    )
    reapply.add_argument("service", choices=HOLDERS)
    reapply.add_argument("--db", help="database name (default: the service's)")
    reapply.set_defaults(func=reapply_command)


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


def erasure_command(args: argparse.Namespace) -> int:
    """POST the erasure to every service that holds subjects; 0 if one erased it, else 1.

    The bearer token comes from ``SSP_ERASURE_TOKEN`` (a data protection officer's token whose
    audience names every service); in development one is minted for ``--actor``.
    """
    import httpx

    from services.runtime.tokens import issue_token

    urls = dict(u.split("=", 1) for u in args.url)
    token = os.environ.get("SSP_ERASURE_TOKEN") or issue_token(
        sub=args.actor,
        role="data_protection_officer",
        audience=[f"ssp-{s}" for s in HOLDERS],
    )
    body = {"legal_basis": args.legal_basis, "reason": args.reason}
    erased = failed = 0
    for service in HOLDERS:
        base = urls.get(service) or f"http://127.0.0.1:{ServiceSettings.for_service(service).port}"
        try:
            answer = httpx.post(
                f"{base}/subjects/{args.ref}/erasure",
                json=body,
                headers={"Authorization": f"Bearer {token}"},
                timeout=30,
            )
        except httpx.HTTPError as exc:
            print(f"erasure: {service}: unreachable ({exc})", file=sys.stderr)
            failed += 1
            continue
        if answer.status_code == 201:
            erased += 1
            done = answer.json()
            texts = done.get("record_keys", 0)
            print(f"erasure: {service}: erased (record {done['id']}), {texts} records' text too")
        elif answer.status_code == 404:
            print(f"erasure: {service}: holds no key for {args.ref}")
        else:
            failed += 1
            print(
                f"erasure: {service}: refused {answer.status_code} {answer.text}", file=sys.stderr
            )
    if failed:
        return 2
    return 0 if erased else 1


def reapply_command(args: argparse.Namespace) -> int:
    """Erase again, in the (restored) store, each subject the service's topic says was erased."""
    import importlib
    from datetime import UTC, datetime

    from services.runtime.erasure_reapply import published_erasures, reapply_erasures
    from services.runtime.eventstore import open_application
    from services.runtime.serve import spec_module

    overrides = {"db_name": args.db} if args.db else {}
    settings = ServiceSettings.for_service(args.service, **overrides)
    published = published_erasures(args.service, settings.kafka_bootstrap)
    spec = importlib.import_module(spec_module(args.service)).SPEC
    app = open_application(spec.application_class, settings)
    try:
        done = reapply_erasures(app, published, datetime.now(UTC))
    finally:
        app.close()
    for pseudonym in done:
        print(f"erasure-reapply: {args.service}: {pseudonym} erased again")
    print(
        f"erasure-reapply: {args.service}: {len(published)} erasures published,"
        f" {len(done)} keys a restore had brought back erased again"
    )
    return 0
