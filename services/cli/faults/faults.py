"""The six faults: how each is injected and how its dependency is brought back."""

import signal
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from services.cli.faults import infra, poison
from services.cli.faults.fleet import Fleet
from services.cli.faults.tally import TOPICS

RELAY_VICTIM = "incidents"


@dataclass
class Context:
    """What a fault acts on."""

    fleet: Fleet
    databases: dict[str, str]
    outage: float
    run: str
    poison: dict[bytes, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Fault:
    """A fault: ``inject`` starts it; ``restore`` returns once the dependency is ready again.

    ``holds`` faults last the outage inside ``inject`` itself; for the others the suite
    waits out the outage between the two. ``instant`` faults have no outage at all.
    """

    key: str
    title: str
    inject: Callable[[Context], None]
    restore: Callable[[Context], None] = lambda _: None
    holds: bool = False
    instant: bool = False


def _kill_relay(ctx: Context) -> None:
    ctx.fleet.relays[RELAY_VICTIM].kill(signal.SIGKILL)


def _kill_runner(ctx: Context) -> None:
    ctx.fleet.services["reporting"].kill(signal.SIGKILL)


def _cut_reporting_db(ctx: Context) -> None:
    if not infra.cut_database(ctx.databases["reporting"], ctx.outage):
        raise RuntimeError("the reporting database had no connection to cut")


def _poison(ctx: Context) -> None:
    ctx.poison = poison.inject(list(TOPICS), ctx.run)


FAULTS = (
    Fault(
        "relay",
        f"relay SIGKILL ({RELAY_VICTIM}, `ssp relay run`)",
        _kill_relay,
        lambda ctx: ctx.fleet.restart_relay(RELAY_VICTIM),
    ),
    Fault(
        "runner",
        "reporting projection runners SIGKILL",
        _kill_runner,
        lambda ctx: ctx.fleet.restart_service("reporting"),
    ),
    Fault(
        "kafka", "Kafka broker SIGKILL", lambda _: infra.kill_kafka(), lambda _: infra.stack_up()
    ),
    Fault(
        "postgres",
        "PostgreSQL crash (`pg_ctl stop -m immediate`)",
        lambda _: infra.crash_postgres(),
        lambda _: infra.stack_up(),
    ),
    Fault("reporting-db", "reporting database cut", _cut_reporting_db, holds=True),
    Fault("poison", "poison messages on every topic (3 kinds x 6 topics)", _poison, instant=True),
)
BY_KEY = {f.key: f for f in FAULTS}


def hold(fault: Fault, ctx: Context, started: float) -> None:
    """Wait out the rest of the outage for faults that do not hold it themselves."""
    if not fault.holds and not fault.instant:
        time.sleep(max(0.0, ctx.outage - (time.monotonic() - started)))
