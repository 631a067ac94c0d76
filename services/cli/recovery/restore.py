"""``ssp restore``: one store as of a time into a fresh database, verified; then the swap."""

import asyncio
import importlib
import re
import tempfile
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import asyncpg

from services.cli.recovery.repository import RecoveryError, Tools, admin_dsn, archive_now, run
from services.cli.recovery.scratch import ScratchCluster
from services.runtime.dbroles import as_migrator, create_database_sql, migrate, role_of
from services.runtime.eventstore import open_application
from services.runtime.serve import spec_module
from services.runtime.settings import ServiceSettings
from services.runtime.subject_registry import HOLDERS, migrate_registry, registry_database

# The subject registry is restored with the stores whose pseudonyms it holds (a store restored
# without it would give a subject recorded again a pseudonym other services do not share).
REGISTRY = "subjects"
STORES = ("incidents", "disclosure", "staffing", "reporting", "selftest", REGISTRY)
DB_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}\Z")


@dataclass
class Found:
    """What a restored (or live) store holds, as the restore prints it."""

    database: str
    tables: dict[str, int] = field(default_factory=dict)
    last_notification: int | None = None
    relay_position: int | None = None
    sample: str | None = None
    audit: str | None = None

    def lines(self) -> list[str]:
        """The report, one fact a line."""
        out = [f"database {self.database}:"]
        out += [f"  {table}: {rows} rows" for table, rows in self.tables.items()]
        if self.last_notification is not None:
            out.append(f"  last notification id: {self.last_notification}")
        if self.relay_position is not None:
            out.append(f"  relay position: {self.relay_position} (published up to there)")
        if self.sample:
            out.append(f"  sample: {self.sample}")
        if self.audit:
            out.append(f"  audit trail: {self.audit}")
        return out


def settings_of(service: str, db: str | None) -> ServiceSettings:
    """The service's settings (its database unless ``db`` names another)."""
    if service not in STORES:
        raise RecoveryError(f"--service: one of {', '.join(STORES)}")
    if service == REGISTRY:  # no service of its own: read as the administrator
        return ServiceSettings.for_service(service, db_name=db or registry_database())
    return ServiceSettings.for_service(service, **({"db_name": db} if db else {}))


def check_name(name: str, option: str) -> str:
    """A plain lower-case database name, safe to quote into DDL."""
    if not DB_NAME.match(name):
        raise RecoveryError(f"{option}: {name!r} is not a lower-case name of letters, digits, _")
    return name


def restore(
    service: str, target: datetime, db: str | None = None, into: str | None = None
) -> Found:
    """Restore ``service``'s database as of ``target`` into a fresh database; verify it."""
    return restore_stores({service: db}, target, into)[0]


def restore_stores(
    stores: dict[str, str | None], target: datetime, into: str | None = None
) -> list[Found]:
    """Restore each store's database (service -> database, None for its own) as of ``target``.

    One scratch cluster serves them all, so several stores restored together are consistent
    with each other as of the same instant.
    """
    lives = [settings_of(service, db) for service, db in stores.items()]
    if target.tzinfo is None:
        raise RecoveryError("--to: give a timezone, e.g. 2026-11-29T10:15:00Z")
    if target >= datetime.now(UTC):
        raise RecoveryError("--to: must be in the past")
    if into is not None and len(lives) > 1:
        raise RecoveryError("--into: only when restoring one store")
    fresh = [
        check_name(into or f"{live.db_name}_restored_{target:%Y%m%d%H%M%S}"[:63], "--into")
        for live in lives
    ]
    for name in fresh:
        if asyncio.run(_exists(name)):
            raise RecoveryError(f"--into: database {name!r} exists; restore into a fresh one")
    # What the live cluster wrote up to now must be in the repository before recovery reads it.
    asyncio.run(archive_now())
    tools = Tools.from_env()
    scratch = ScratchCluster(tools, lives[0], target)
    with tempfile.TemporaryDirectory(prefix="ssp-restore-") as tmp:
        dumps = [Path(tmp) / f"{live.db_name}.dump" for live in lives]
        try:
            scratch.restore([live.db_name for live in lives])
            scratch.start()
            for live, dump in zip(lives, dumps, strict=True):
                scratch.dump(live.db_name, dump)
        finally:
            scratch.stop()
        for live, dump, name in zip(lives, dumps, fresh, strict=True):
            # Owned by the migration role and restored as it, then granted to the service's
            # role by the migration itself: the restored store has the live one's privileges.
            asyncio.run(_admin(create_database_sql(name)))
            restored = live.model_copy(update={"db_name": name})
            run(
                [str(tools.pg_bin / "pg_restore"), "--no-owner", "--no-privileges",
                 "--exit-on-error", "-d", as_migrator(restored).pg_dsn, str(dump)],
                f"pg_restore into {name}",
            )  # fmt: skip
            if live.service == REGISTRY:
                roles = [role_of(s) for s in HOLDERS]
                asyncio.run(migrate_registry(as_migrator(restored).pg_dsn, roles, name))
                continue
            spec = importlib.import_module(spec_module(live.service)).SPEC
            asyncio.run(migrate(restored, spec.application_class, spec.schema))
    return [verify(live.service, name) for live, name in zip(lives, fresh, strict=True)]


def verify(service: str, database: str) -> Found:
    """Row counts, the last notification id, the relay's position, a decrypted sample."""
    settings = settings_of(service, database)
    found = asyncio.run(_counts(settings))
    if service == REGISTRY:
        return found
    module = importlib.import_module(spec_module(service))
    app_class = getattr(module.SPEC, "application_class", None)
    if app_class is not None and found.last_notification:
        app = open_application(app_class, settings)
        try:
            (notification,) = app.recorder.select_notifications(found.last_notification, 1)
            event = app.mapper.to_domain_event(notification)
            found.sample = (
                f"notification {notification.id} decrypted with the {service} key:"
                f" {type(event).__qualname__} of {event.originator_id}"
                f" v{event.originator_version} at {event.timestamp:%Y-%m-%d %H:%M:%S%z}"
            )
        except Exception as exc:  # a wrong key or a corrupt row is the finding itself
            raise RecoveryError(f"{database}: the sample does not decrypt: {exc}") from exc
        finally:
            app.close()
    return found


async def _counts(settings: ServiceSettings) -> Found:
    conn = await asyncpg.connect(settings.pg_dsn, timeout=10)
    try:
        found = Found(settings.db_name)
        tables = await conn.fetch(
            "SELECT table_schema, table_name FROM information_schema.tables"
            " WHERE table_type = 'BASE TABLE'"
            " AND table_schema NOT IN ('pg_catalog', 'information_schema') ORDER BY 1, 2"
        )
        for t in tables:
            name = f'"{t["table_schema"]}"."{t["table_name"]}"'
            found.tables[name] = await conn.fetchval(f"SELECT count(*) FROM {name}")
        events = f"{settings.service}_events"
        if await conn.fetchval("SELECT to_regclass($1)", events):
            found.last_notification = await conn.fetchval(
                f"SELECT coalesce(max(notification_id), 0) FROM {events}"
            )
        if await conn.fetchval("SELECT to_regclass('ssp_relay_position')"):
            found.relay_position = await conn.fetchval(
                "SELECT position FROM ssp_relay_position WHERE relay = $1",
                f"{settings.service}-outbox",
            )
        if await conn.fetchval("SELECT to_regclass('audit_trail')"):
            from services.reporting.audit_trail import verify as verify_audit

            verdict = await verify_audit(conn)
            found.audit = (
                f"BROKEN at {verdict.broken}"
                if verdict.broken is not None
                else f"intact, {verdict.entries} entries"
            )
        return found
    finally:
        await conn.close()


def swap(service: str, restored: str, db: str | None = None) -> str:
    """Put ``restored`` in the live database's place (the service stopped); the old one's name."""
    live = settings_of(service, db).db_name
    check_name(restored, "--restored")
    return asyncio.run(_swap(live, restored))


async def _swap(live: str, restored: str) -> str:
    conn = await asyncpg.connect(admin_dsn(), timeout=10)
    try:
        names = {r["datname"] for r in await conn.fetch("SELECT datname FROM pg_database")}
        if restored not in names:
            raise RecoveryError(f"--restored: no database {restored!r}")
        users = await conn.fetchval(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = ANY($1::text[])",
            [live, restored],
        )
        if users:
            raise RecoveryError(
                f"{users} connections to {live!r} or {restored!r}; stop the service first"
            )
        retired = f"{live}_replaced_{datetime.now(UTC):%Y%m%d%H%M%S}"[:63]
        async with conn.transaction():
            if live in names:
                await conn.execute(f'ALTER DATABASE "{live}" RENAME TO "{retired}"')
            await conn.execute(f'ALTER DATABASE "{restored}" RENAME TO "{live}"')
        return retired if live in names else ""
    finally:
        await conn.close()


async def _exists(name: str) -> bool:
    conn = await asyncpg.connect(admin_dsn(), timeout=10)
    try:
        return bool(await conn.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", name))
    finally:
        await conn.close()


async def _admin(statement: str) -> None:
    conn = await asyncpg.connect(admin_dsn(), timeout=10)
    try:
        await conn.execute(statement)
    finally:
        await conn.close()
