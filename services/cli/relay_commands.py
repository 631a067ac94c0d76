"""``ssp relay run|skip``: the outbox relay of a service as its own process, and its operator."""

import argparse
import asyncio
import importlib
import signal
import uuid
from typing import Any

from services.runtime.settings import ServiceSettings

RELAY_SERVICES = ["incidents", "disclosure", "staffing", "selftest"]


def register(sub: Any, usage_error: type[Exception]) -> None:
    """Add ``relay run`` and ``relay skip`` to the ``ssp`` parser."""
    relay = sub.add_parser("relay", help="the outbox relay of a service, as an operator runs it")
    actions = relay.add_subparsers(dest="relay_action", required=True)
    run_cmd = actions.add_parser("run", help="run a service's outbox relay on its own")
    run_cmd.add_argument("service", choices=RELAY_SERVICES)
    run_cmd.add_argument("--db", help="database name (default: the service's)")
    run_cmd.add_argument("--until-caught-up", action="store_true")
    run_cmd.add_argument("--metrics-port", type=int, default=0, help="serve /metrics here")
    run_cmd.set_defaults(func=run)

    skip_cmd = actions.add_parser(
        "skip", help="let a stalled relay past the event it is stopped at, recording why"
    )
    skip_cmd.add_argument("service", choices=RELAY_SERVICES)
    skip_cmd.add_argument("notification_id", type=int)
    skip_cmd.add_argument("--reason", required=True)
    skip_cmd.add_argument("--actor", default="operator", help="who decided the skip")
    skip_cmd.add_argument("--db", help="database name (default: the service's)")
    skip_cmd.set_defaults(func=lambda args: skip(args, usage_error))


def _spec_and_settings(args: argparse.Namespace) -> tuple[Any, ServiceSettings]:
    module = (
        "services.runtime.selftest"
        if args.service == "selftest"
        else f"services.{args.service}.main"
    )
    spec = importlib.import_module(module).SPEC
    overrides = {"db_name": args.db} if args.db else {}
    return spec, ServiceSettings.for_service(args.service, **overrides)


def run(args: argparse.Namespace) -> int:
    """Run a service's outbox relay on its own; SIGTERM drains it (the service's may be off)."""
    from prometheus_client import CollectorRegistry, start_http_server

    from services.runtime.eventstore import open_application
    from services.runtime.logs import configure_logging
    from services.runtime.metrics import RelayMetrics
    from services.runtime.relay import OutboxRelay

    configure_logging(f"{args.service}-relay")
    spec, settings = _spec_and_settings(args)
    registry = CollectorRegistry()
    metrics = RelayMetrics(registry, relay=f"{settings.service}-outbox")
    if args.metrics_port:
        start_http_server(args.metrics_port, addr="127.0.0.1", registry=registry)

    async def main() -> None:
        app = await asyncio.to_thread(open_application, spec.application_class, settings)
        relay = OutboxRelay(app, spec.translator, settings, metrics)
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, relay.request_stop)
        try:
            if args.until_caught_up:
                await relay.start()
                count = await relay.run_until_caught_up()
                print(f"relay: {count} notifications published")
            else:
                await relay.run()
        finally:
            await relay.stop()
            await asyncio.to_thread(app.close)

    asyncio.run(main())
    return 0


def skip(args: argparse.Namespace, usage_error: type[Exception]) -> int:
    """Record a skip event for the notification the relay is stalled at, so it goes on."""
    from services.runtime.domain import Actor
    from services.runtime.eventstore import open_application
    from services.runtime.relay_skip import SkipRefused
    from services.runtime.relay_skip import skip as record_skip

    if not args.reason.strip():
        raise usage_error("--reason must say why the event may be skipped")
    spec, settings = _spec_and_settings(args)
    actor = Actor(args.actor, "operator", f"relay-skip-{uuid.uuid4()}")

    async def main() -> str:
        app = await asyncio.to_thread(open_application, spec.application_class, settings)
        try:
            return await record_skip(
                app, spec.translator, settings, args.notification_id, args.reason, actor
            )
        finally:
            await asyncio.to_thread(app.close)

    try:
        event = asyncio.run(main())
    except SkipRefused as exc:
        raise usage_error(str(exc)) from exc
    print(f"relay: notification {args.notification_id} skipped, recorded as event {event}")
    return 0
