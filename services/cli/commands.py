"""Implementations of the ``ssp`` sub-commands."""

import argparse
from collections.abc import Callable, Sized

from services.runtime.serve import SERVICES
from services.runtime.serve import serve as serve_service
from services.runtime.settings import ServiceSettings, shared

__all__ = ["SERVICES", "UsageError"]


class UsageError(Exception):
    """Bad input: the CLI prints it on one line and exits with code 2."""


def token(args: argparse.Namespace) -> int:
    """Print a development bearer token; one the services would refuse is not printed."""
    from services.runtime.production import is_production
    from services.runtime.scope import REQUIRED_CLAIMS, claim_refusal, missing_claim
    from services.runtime.tokens import SERVICES as AUDIENCES
    from services.runtime.tokens import audience_of, issue_token

    if is_production():
        raise UsageError(
            "ssp token mints development tokens; it refuses to run with SSP_ENV=production"
        )
    if args.role in REQUIRED_CLAIMS:
        claim = missing_claim(args.role, {"school": args.school, "borough": args.borough})
        if claim is not None:
            raise UsageError(f"{claim_refusal(args.role, claim).message} (--{claim})")
    cap = int(shared("JWT_MAX_LIFETIME_SECONDS", "900"))
    if not 0 < args.ttl <= cap:
        raise UsageError(f"--ttl must be between 1 and the services' cap of {cap} seconds")
    # A service name stands for its audience (incidents -> ssp-incidents).
    audiences = [audience_of(a) if a in AUDIENCES else a for a in args.audience]
    try:
        print(
            issue_token(
                sub=args.sub,
                role=args.role,
                school=args.school,
                borough=args.borough,
                audience=audiences[0] if len(audiences) == 1 else audiences,
                ttl_seconds=args.ttl,
                extra={"staff_ref": args.staff_ref} if args.staff_ref else None,
            )
        )
    except ValueError as exc:
        raise UsageError(str(exc)) from exc
    return 0


def topics(args: argparse.Namespace) -> int:
    """Create (idempotently) or list the catalogue's topics, or count identity collisions."""
    from ssp_contracts import TOPICS
    from ssp_contracts.topics import kafka_topic

    from services.runtime.collisions import count_collisions
    from services.runtime.topics_admin import create_topics

    bootstrap = ServiceSettings.for_service("admin").kafka_bootstrap
    if args.action == "list":
        for spec in TOPICS.values():
            print(
                f"{kafka_topic(spec.name)}\t{spec.partitions}\t{spec.cleanup_policy}"
                f"\t{spec.owner}\t{spec.description}"
            )
        return 0
    if args.action == "collisions":
        report = count_collisions(bootstrap)
        print(
            f"{len(report.topics)} event topics, {report.records:,} records,"
            f" {report.identities:,} (ce_source, ce_id) identities,"
            f" {len(report.collisions)} collisions"
        )
        for source, event_id in report.collisions[:20]:
            print(f"collision: {source} {event_id}")
        return 1 if report.collisions else 0
    created, present = create_topics(bootstrap)
    print(f"topics: {len(created)} created, {len(present)} already present")
    return 0


def schemas(args: argparse.Namespace) -> int:
    """Write the JSON Schemas, or check that the committed ones are current."""
    from ssp_contracts.schemas import stale_schemas, write_schemas

    return _write_or_check("schemas", args.action, stale_schemas, write_schemas)


def asyncapi(args: argparse.Namespace) -> int:
    """Write the services' AsyncAPI documents, or check that the committed ones are current."""
    from services.cli.asyncapi_docs import stale_documents, write_documents

    return _write_or_check("asyncapi", args.action, stale_documents, write_documents)


def _write_or_check(
    what: str, action: str, stale: Callable[[], list[str]], write: Callable[[], Sized]
) -> int:
    """Generated files committed to the repository: write them, or exit 2 naming stale ones."""
    if action == "check":
        found = stale()
        if found:
            raise UsageError(f"stale {what} (run `ssp {what} write`): {', '.join(found)}")
        print(f"{what}: all current")
        return 0
    try:
        written = write()
    except ValueError as exc:
        raise UsageError(str(exc)) from exc
    print(f"{what}: {len(written)} written")
    return 0


def migrate(args: argparse.Namespace) -> int:
    """Create the services' protected tables as the migration role and grant their roles."""
    import asyncio
    import importlib

    from services.runtime.dbroles import SERVICES as STORES
    from services.runtime.dbroles import migrate as run_migration
    from services.runtime.serve import spec_module

    chosen = args.service or list(STORES)
    unknown = sorted(set(chosen) - set(STORES))
    if unknown:
        raise UsageError(f"no such service: {', '.join(unknown)} (one of {', '.join(STORES)})")
    if args.db and len(chosen) != 1:
        raise UsageError("--db needs exactly one service")
    for service in chosen:
        spec = importlib.import_module(spec_module(service)).SPEC
        overrides = {"db_name": args.db} if args.db else {}
        settings = ServiceSettings.for_service(service, **overrides)
        asyncio.run(run_migration(settings, spec.application_class, spec.schema))
        print(f"migrate: {service} ({settings.db_name}) for role {settings.pg_user}")
    return 0


def serve(args: argparse.Namespace) -> int:
    """Run one service in the foreground."""
    serve_service(args.service, args.port)
    return 0


def demo(args: argparse.Namespace) -> int:
    """The main job."""
    from services.cli.demo import run_demo

    return run_demo(args)
