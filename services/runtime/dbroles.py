"""Least-privilege database roles: one login role per service, and a migration role for schema.

The stack script (``deploy/local/stack.sh``, function ``pg_roles``) creates the roles with
passwords kept in ``<state>/secrets/pg/<role>.password`` and makes the migration role own the
four databases and the subject registry's. ``migrate`` then runs as the migration role: it
creates the tables a service must not own (the event store, the audit trail, the registry of
``subject_registry``), and grants the service's role only what it uses there. Tables a
service builds for itself at run time (read models, positions, offsets) are its own, in a
schema where it may create but not drop what it does not own.
"""

import asyncio
import logging
import os
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any

import asyncpg
from eventsourcing.application import Application

from services.runtime.production import is_production
from services.runtime.record_links import create_record_tables
from services.runtime.settings import state_dir
from services.runtime.subject_registry import HOLDERS, migrate_registry, registry_database
from services.runtime.subject_table import create_subject_table

log = logging.getLogger("ssp.dbroles")

SERVICES = ("incidents", "disclosure", "staffing", "reporting")
MIGRATOR = "ssp_migrate"
# Reporting builds rebuilds and replays in schemas of their own.
SCHEMA_MAKERS = frozenset({"reporting"})


def role_of(service: str) -> str:
    """The login role of ``service``; the admin role for tools and the canary."""
    if service in SERVICES:
        return f"ssp_{service}"
    return os.environ.get("SSP_PG_USER", "ssp")


def dev_password(role: str) -> str:
    """A role's password as the stack script generated it (never read in production)."""
    if is_production():
        return ""
    path = state_dir() / "secrets" / "pg" / f"{role}.password"
    return path.read_text().strip() if path.exists() else ""


def credentials(service: str, user: str, password: str) -> tuple[str, str]:
    """(user, password) of ``service``: the configured ones, else its role and dev password."""
    user = user or role_of(service)
    if not password and user == os.environ.get("SSP_PG_USER", "ssp"):
        password = os.environ.get("SSP_PG_PASSWORD", "")
    return user, password or dev_password(user)


@dataclass(frozen=True)
class Restriction:
    """Privileges a service keeps on a table the migration created (and nothing more)."""

    table: str
    privileges: tuple[str, ...]


def event_store_restriction(table: str) -> Restriction:
    """Append-only stored events: no DELETE or TRUNCATE.

    UPDATE stays because the library takes ``LOCK TABLE ... IN EXCLUSIVE MODE`` to keep
    notification ids in commit order, and PostgreSQL allows that lock only with UPDATE, DELETE
    or TRUNCATE; UPDATE is the narrowest and the library never updates a stored event.
    """
    return Restriction(table, ("SELECT", "INSERT", "UPDATE"))


def migrator_credentials() -> tuple[str, str]:
    """(user, password) of the migration role, from SSP_PG_MIGRATE_* or the state dir."""
    user = os.environ.get("SSP_PG_MIGRATE_USER", MIGRATOR)
    return user, os.environ.get("SSP_PG_MIGRATE_PASSWORD", "") or dev_password(user)


def as_migrator(settings: Any) -> Any:
    """``settings`` connecting as the migration role (for schema changes and swaps)."""
    user, password = migrator_credentials()
    return settings.model_copy(update={"pg_user": user, "pg_password": password})


def _create_store(migrator: Any, application_class: type[Application]) -> Restriction:
    """The library's tables of ``application_class``, created as the migration role."""
    from services.runtime.eventstore import eventstore_env

    # Unencrypted: creating tables needs no key, and the migration role never holds one.
    env = {
        **eventstore_env(migrator, encrypted=False),
        "CREATE_TABLE": "y",
        "POSTGRES_POOL_SIZE": "1",
    }
    app = application_class(env=env)
    app.close()
    return event_store_restriction(f"{app.name.lower()}_events")


# Casts to date and date_trunc on timestamptz follow the session's TimeZone: the platform's
# days, weeks and terms are London's, so every new session of the database starts in London
# (only its owner may set it; a database restored under another owner keeps its own).
LONDON_DAYS = """
DO $$ BEGIN
    IF (SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = current_database())
           = current_user
       AND current_setting('TimeZone') <> 'Europe/London' THEN
        EXECUTE format('ALTER DATABASE %I SET timezone TO %L', current_database(),
                       'Europe/London');
    END IF;
END $$;
"""


# A service's own schema step: creates tables as the migration role, returns restrictions.
SchemaStep = Callable[[asyncpg.Connection], Awaitable[Sequence[Restriction]]]


async def migrate(
    settings: Any,
    application_class: type[Application] | None = None,
    schema: SchemaStep | None = None,
) -> None:
    """As the migration role: create the tables the service must not own, then grant its role."""
    if settings.service not in SERVICES:
        return  # the canary and tools run on the admin role, which needs no grants
    migrator = as_migrator(settings)
    conn = await asyncpg.connect(
        migrator.pg_dsn, server_settings={"search_path": settings.db_schema}
    )
    try:
        # Two instances starting together would otherwise GRANT on the same rows at once
        # ("tuple concurrently updated").
        await conn.execute("SELECT pg_advisory_lock(hashtext('ssp-migrate'))")
        await conn.execute(LONDON_DAYS)
        restrictions: list[Restriction] = []
        if application_class is not None:
            restrictions.append(await asyncio.to_thread(_create_store, migrator, application_class))
            # Its subjects' wrapped data keys and pseudonyms (crypto-shredding, subjects.py).
            await create_subject_table(conn)
            await create_record_tables(conn)
            if settings.service in HOLDERS:  # and the platform's registry of pseudonyms
                registry = migrator.model_copy(update={"db_name": registry_database()})
                await migrate_registry(registry.pg_dsn, [settings.pg_user])
        if schema is not None:
            restrictions.extend(await schema(conn))
        for r in restrictions:
            owner = await conn.fetchval(
                "SELECT tableowner FROM pg_tables WHERE schemaname = $1 AND tablename = $2",
                settings.db_schema,
                r.table,
            )
            # A restriction the owner could lift again would protect nothing: fail loudly.
            if owner != migrator.pg_user:
                raise RuntimeError(
                    f"{settings.db_name}.{r.table} is owned by {owner}, not {migrator.pg_user}"
                )
        # Only the migration's own tables: those the service made for itself are its own, and
        # GRANT on a table the grantor has no privilege on fails outright.
        owned = await conn.fetch(
            "SELECT 'TABLE' AS kind, tablename AS name FROM pg_tables"
            " WHERE schemaname = $1 AND tableowner = $2"
            " UNION ALL SELECT 'SEQUENCE', sequencename FROM pg_sequences"
            " WHERE schemaname = $1 AND sequenceowner = $2",
            settings.db_schema,
            migrator.pg_user,
        )
        objects = [(r["kind"], r["name"]) for r in owned]
        for statement in grants(settings, restrictions, objects):
            await conn.execute(statement)
    finally:
        await conn.close()  # ends the session, and its advisory lock with it
    log.info("migrated %s as %s for %s", settings.db_name, migrator.pg_user, settings.pg_user)


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def grants(
    settings: Any,
    restrictions: Sequence[Restriction] = (),
    objects: Sequence[tuple[str, str]] = (),
) -> list[str]:
    """Let the service's role into its database only: connect, create its own tables, DML on
    the migration's tables except where restricted."""
    db, role, schema = _q(settings.db_name), _q(settings.pg_user), _q(settings.db_schema)
    statements = [
        f"REVOKE ALL ON DATABASE {db} FROM PUBLIC",
        f"GRANT CONNECT, TEMPORARY ON DATABASE {db} TO {role}",
        f"GRANT USAGE, CREATE ON SCHEMA {schema} TO {role}",
    ]
    for kind, name in objects:
        privileges = "SELECT, INSERT, UPDATE, DELETE" if kind == "TABLE" else "USAGE, SELECT"
        statements.append(f"GRANT {privileges} ON {kind} {schema}.{_q(name)} TO {role}")
    if settings.service in SCHEMA_MAKERS:
        statements.append(f"GRANT CREATE ON DATABASE {db} TO {role}")
    for r in restrictions:
        table = f"{schema}.{_q(r.table)}"
        statements.append(f"REVOKE ALL ON {table} FROM {role}")
        statements.append(f"GRANT {', '.join(r.privileges)} ON {table} TO {role}")
    return statements


def create_database_sql(name: str) -> str:
    """CREATE DATABASE for a service: owned by the migration role (no service owns one)."""
    return f"CREATE DATABASE {_q(name)} OWNER {_q(migrator_credentials()[0])}"
