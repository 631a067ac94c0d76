"""``ssp audit verify|export`` and ``ssp reporting rebuild|compare``: command-line tools."""

import argparse
import asyncio
import sys
from collections.abc import Callable, Coroutine
from datetime import datetime
from pathlib import Path
from typing import Any, TextIO

import asyncpg

from services.reporting import audit_trail, rebuild
from services.reporting.audit_trail import AuditFilter
from services.reporting.schema import migrate_schema
from services.runtime.dbroles import as_migrator, migrate
from services.runtime.settings import ServiceSettings


class BadInput(Exception):
    """Input the command cannot work with; reported on one line, exit code 2."""


def register(subparsers: Any) -> None:
    """Add the ``audit`` and ``reporting`` commands to the ``ssp`` parser."""
    audit = subparsers.add_parser("audit", help="verify or export the audit trail")
    actions = audit.add_subparsers(dest="action", required=True)

    verify = actions.add_parser("verify", help="recompute the hash chain; exit 1 if broken")
    _database_options(verify)
    verify.add_argument(
        "--checkpoints",
        action="store_true",
        help="also check against the signed checkpoints and the events on Kafka",
    )
    verify.set_defaults(func=_runs(_verify))

    verify.add_argument(
        "--from-epoch",
        type=int,
        default=0,
        help="with --checkpoints: check from the start of this epoch on (default 0, all)",
    )

    epoch = actions.add_parser(
        "new-epoch",
        help="after a halt: start a new signed epoch naming the old head as found",
    )
    _database_options(epoch)
    epoch.set_defaults(func=_runs(_new_epoch))

    export = actions.add_parser("export", help="write the audit trail as JSON Lines or CSV")
    _database_options(export)
    export.add_argument("--format", choices=["jsonl", "csv"], default="jsonl")
    export.add_argument("--output", "-o", help="file to write (default: standard output)")
    export.add_argument("--entity", help="only entries of this record id")
    export.add_argument("--actor", help="only entries of this actor id")
    export.add_argument("--type", help="only entries of this event type")
    export.add_argument("--since", help="from this ISO 8601 time, with timezone (inclusive)")
    export.add_argument("--until", help="before this ISO 8601 time, with timezone")
    export.set_defaults(func=_runs(_export))

    reporting = subparsers.add_parser("reporting", help="rebuild the reporting read models")
    steps = reporting.add_subparsers(dest="action", required=True)
    rebuild_cmd = steps.add_parser("rebuild", help="rebuild every read model from Kafka")
    _database_options(rebuild_cmd)
    rebuild_cmd.add_argument("--into", required=True, help="fresh schema to build (must not exist)")
    rebuild_cmd.add_argument("--swap", action="store_true", help="then swap it in for the live one")
    rebuild_cmd.add_argument(
        "--retire-as", help="name for the old live schema (default: <live>_old)"
    )
    rebuild_cmd.add_argument(
        "--broker-replaced",
        action="store_true",
        help="with --swap, after a broker loss: the live offsets point into lost topics",
    )
    rebuild_cmd.set_defaults(func=_runs(_rebuild))
    compare = steps.add_parser("compare", help="compare a rebuilt schema with the live one")
    _database_options(compare)
    compare.add_argument("--fresh", required=True, help="the rebuilt schema")
    compare.set_defaults(func=_runs(_compare))


def _database_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--db", help="reporting database name (default: the service's)")
    parser.add_argument("--schema", help="schema of the read models (default: the service's)")


def _runs(
    command: Callable[[argparse.Namespace], Coroutine[Any, Any, int]],
) -> Callable[[argparse.Namespace], int]:
    """Run an async command; bad input becomes one line on stderr and exit code 2."""

    def run(args: argparse.Namespace) -> int:
        try:
            return asyncio.run(command(args))
        except BadInput as exc:
            print(f"ssp {args.command} {args.action}: {exc}", file=sys.stderr)
            return 2

    return run


async def _connect(args: argparse.Namespace) -> asyncpg.Connection:
    settings = _settings(args)
    try:
        conn = await asyncpg.connect(
            settings.pg_dsn, server_settings={"search_path": settings.db_schema}
        )
    except asyncpg.InvalidCatalogNameError:
        raise BadInput(f"--db: database {settings.db_name!r} does not exist") from None
    except OSError as exc:
        raise BadInput(f"cannot reach PostgreSQL at {settings.pg_host}: {exc}") from None
    if await conn.fetchval("SELECT to_regclass('audit_trail')") is None:
        await conn.close()
        raise BadInput(
            f"no audit trail in database {settings.db_name!r}, schema {settings.db_schema!r}"
        )
    return conn


async def _verify(args: argparse.Namespace) -> int:
    if args.checkpoints:
        return await _verify_anchored(args)
    conn = await _connect(args)
    try:
        verdict = await audit_trail.verify(conn)
    finally:
        await conn.close()
    if verdict.broken is not None:
        print(f"audit trail BROKEN at {verdict.broken}", file=sys.stderr)
        return 1
    print(f"audit trail intact: {verdict.entries} entries, head {verdict.head}")
    return 0


async def _verify_anchored(args: argparse.Namespace) -> int:
    from services.reporting.anchor import NoSuchEpoch, verify_anchored
    from services.reporting.signing import AuditSettings, trusted_keys

    conn = await _connect(args)
    try:
        keys = trusted_keys(AuditSettings())
        bootstrap = _settings(args).kafka_bootstrap
        entries, broken, forged = await verify_anchored(conn, bootstrap, keys, args.from_epoch)
    except NoSuchEpoch as exc:
        raise BadInput(str(exc)) from None
    finally:
        await conn.close()
    if forged:
        print(
            f"{forged} checkpoint(s) on the topic did not verify and were ignored", file=sys.stderr
        )
    if broken is not None:
        print(f"audit trail BROKEN at {broken}", file=sys.stderr)
        return 1
    print(f"audit trail intact against its checkpoints and Kafka: {entries} entries")
    return 0


async def _new_epoch(args: argparse.Namespace) -> int:
    from services.reporting import epochs
    from services.reporting.checkpointer import new_producer, sender
    from services.reporting.checkpoints import checkpoint
    from services.reporting.signing import AuditSettings

    conn = await _connect(args)
    producer = new_producer(_settings(args).kafka_bootstrap)
    try:
        async with conn.transaction():
            started = await epochs.start(conn)
        await producer.start()
        signed = await checkpoint(conn, AuditSettings(), sender(producer), force=True)
    finally:
        await producer.stop()
        await conn.close()
    found = started.previous_hash[:12] + "…" if started.previous_hash else "nothing"
    print(
        f"epoch {started.epoch} started after entry {started.entries} (seq {started.after_seq},"
        f" the old head as found: {found}); checkpoint {signed.number if signed else '?'}"
        " signed and published"
    )
    return 0


async def _export(args: argparse.Namespace) -> int:
    where = AuditFilter(
        args.entity,
        args.actor,
        args.type,
        _time(args.since, "--since"),
        _time(args.until, "--until"),
    )
    if where.since and where.until and where.since >= where.until:
        raise BadInput("--until: must be later than --since")
    conn = await _connect(args)
    out: TextIO = open(Path(args.output), "w", newline="") if args.output else sys.stdout  # noqa: SIM115
    try:
        count = 0
        if args.format == "csv":
            out.write(audit_trail.csv_header())
        entries = audit_trail.stream_entries(conn, where)
        if args.format != "csv":
            entries = audit_trail.with_checkpoints(conn, entries)
        async for entry in entries:
            line = audit_trail.csv_line(entry) if args.format == "csv" else None
            out.write(line or audit_trail.jsonl_line(entry))
            count += "checkpoint" not in entry
    finally:
        await conn.close()
        if out is not sys.stdout:
            out.close()
    print(f"exported {count} audit entries", file=sys.stderr)
    return 0


def _time(text: str | None, option: str) -> datetime | None:
    if text is None:
        return None
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        raise BadInput(f"{option}: not an ISO 8601 time: {text!r}") from None
    if value.tzinfo is None:
        raise BadInput(f"{option}: give a timezone, e.g. {text}Z or {text}+00:00")
    return value


async def grant_reporting(settings: ServiceSettings) -> None:
    """Run reporting's migration on ``settings``' database and schema: tables and grants."""
    own = ServiceSettings.for_service(
        "reporting", db_name=settings.db_name, db_schema=settings.db_schema
    )
    await migrate(own, schema=migrate_schema)


def _settings(args: argparse.Namespace) -> ServiceSettings:
    overrides = {k: v for k, v in (("db_name", args.db), ("db_schema", args.schema)) if v}
    settings = ServiceSettings.for_service("reporting", **overrides)
    # Swapping a schema in replaces the audit trail's tables: a schema change, made by the
    # migration role (reporting's own role may only add to the trail).
    return as_migrator(settings) if getattr(args, "swap", False) else settings


async def _rebuild(args: argparse.Namespace) -> int:
    settings = _settings(args)
    try:
        if args.swap:
            retired = args.retire_as or f"{settings.db_schema}_old"
            report = await rebuild.rebuild_and_swap(
                settings, args.into, retired, broker_replaced=args.broker_replaced
            )
            # The swapped-in schema is the migration role's: grant the reporting role its use.
            await grant_reporting(settings)
            where = f"swapped in as {settings.db_schema!r}; the old one is {retired!r}"
        elif args.broker_replaced:
            raise BadInput("--broker-replaced: only with --swap")
        else:
            report = await rebuild.rebuild(settings, args.into)
            where = f"in schema {args.into!r}"
    except rebuild.RebuildError as exc:
        raise BadInput(str(exc)) from None
    print(f"rebuilt from {report.applied} events, {len(report.skipped)} skipped, {where}")
    for reason in report.skipped[:20]:
        print(f"  skipped {reason}", file=sys.stderr)
    return 0


async def _compare(args: argparse.Namespace) -> int:
    settings = _settings(args)
    conn = await rebuild.connect(settings, settings.db_schema)
    try:
        differences = await rebuild.compare(conn, settings.db_schema, args.fresh)
    finally:
        await conn.close()
    for d in differences:
        print(f"{d.table}: {d.only_in_live} rows only live, {d.only_in_fresh} only rebuilt")
    if differences:
        return 1
    print(f"{settings.db_schema!r} and {args.fresh!r} match row for row")
    return 0
