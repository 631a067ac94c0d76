"""The ``ssp`` command: tokens, topics, schemas, services, relay and the demo."""

import argparse
import sys
from collections.abc import Callable

from services.cli import commands
from services.cli.faults.cli import register as register_faults
from services.cli.kafka_commands import register as register_kafka
from services.cli.recovery.commands import register as register_recovery
from services.cli.recovery.drill_cli import register as register_drill
from services.cli.relay_commands import register as register_relay
from services.cli.retention_commands import register as register_retention
from services.cli.subject_access import register_subject_access
from services.cli.subject_commands import register as register_subjects
from services.reporting.cli import register as register_audit
from services.reporting.replay_cli import register as register_replay
from services.runtime.production import ProductionRefusal, load_secret_files


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every sub-command."""
    parser = argparse.ArgumentParser(prog="ssp", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    token = sub.add_parser("token", help="print a development bearer token")
    token.add_argument("--role", required=True)
    token.add_argument("--sub", required=True, help="actor id")
    token.add_argument("--school")
    token.add_argument("--borough")
    token.add_argument("--staff-ref", help="member of staff's reference (staff-<hex>)")
    token.add_argument(
        "--audience",
        action="append",
        required=True,
        help="service the token is for (incidents, ssp-incidents, ...); repeat for several",
    )
    token.add_argument("--ttl", type=int, default=900, help="seconds (at most the cap, 900)")
    token.set_defaults(func=commands.token)

    migrate = sub.add_parser(
        "migrate", help="create the services' tables as the migration role, grant their roles"
    )
    migrate.add_argument(
        "service", nargs="*", help="incidents, disclosure, staffing, reporting (all)"
    )
    migrate.add_argument("--db", help="database name (one service only)")
    migrate.set_defaults(func=commands.migrate)

    topics = sub.add_parser("topics", help="Kafka topics of the catalogue")
    topics.add_argument("action", choices=["create", "list", "collisions"])
    topics.set_defaults(func=commands.topics)

    schemas = sub.add_parser("schemas", help="JSON Schemas of the event contracts")
    schemas.add_argument("action", choices=["write", "check"])
    schemas.set_defaults(func=commands.schemas)

    asyncapi = sub.add_parser("asyncapi", help="AsyncAPI documents of the services' Kafka side")
    asyncapi.add_argument("action", choices=["write", "check"])
    asyncapi.set_defaults(func=commands.asyncapi)

    serve = sub.add_parser("serve", help="run one service in the foreground")
    serve.add_argument("service", choices=commands.SERVICES)
    serve.add_argument("--port", type=int)
    serve.set_defaults(func=commands.serve)

    register_relay(sub, commands.UsageError)
    register_kafka(sub)

    demo = sub.add_parser("demo", help="the main job: the platform with a London workload")
    demo.add_argument("--seed", type=int, default=1)
    demo.add_argument("--schools", type=int, default=245)
    demo.add_argument("--officers", type=int, default=135)
    demo.add_argument("--weeks", type=int, default=13)
    demo.set_defaults(func=commands.demo)
    register_audit(sub)
    register_replay(sub)
    register_faults(sub)
    register_recovery(sub)
    register_drill(sub)
    register_subject_access(sub)
    register_subjects(sub)
    register_retention(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point; exit code 2 with a one-line reason on bad input."""
    args = build_parser().parse_args(argv)
    load_secret_files()
    func: Callable[[argparse.Namespace], int] = args.func
    try:
        return func(args)
    except commands.UsageError as exc:
        print(f"ssp {args.command}: {exc}", file=sys.stderr)
        return 2
    except ProductionRefusal as exc:
        print(f"ssp {args.command}: {exc}", file=sys.stderr)
        return 3


if __name__ == "__main__":
    sys.exit(main())
