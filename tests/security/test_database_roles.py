"""Least privilege on the real PostgreSQL: each service's role reaches its own database only,
creates no database, cannot rewrite its event store, and reporting's role may only add to and
read the audit trail. Passwords are checked (scram-sha-256), never trusted."""

import asyncio
from collections.abc import Iterator
from typing import Any

import psycopg
import pytest
from psycopg import errors

from services.reporting.schema import migrate_schema
from services.runtime import testing
from services.runtime.dbroles import SERVICES, as_migrator, migrate
from services.runtime.settings import ServiceSettings
from services.staffing.application import StaffingApplication

pytestmark = pytest.mark.stack


def connect(settings: ServiceSettings, **override: Any) -> psycopg.Connection[Any]:
    """A connection as ``settings``' role (``override`` replaces user, password, dbname)."""
    options = {
        "host": settings.pg_host,
        "port": settings.pg_port,
        "user": settings.pg_user,
        "password": settings.pg_password,
        "dbname": settings.db_name,
        "autocommit": True,
        "connect_timeout": 10,
        **override,
    }
    return psycopg.connect(**options)


@pytest.fixture(scope="module")
def migrated(stack: None) -> Iterator[dict[str, ServiceSettings]]:
    """Fresh staffing and reporting databases, migrated as `ssp migrate` does."""
    dbs = {s: testing.create_database(s) for s in ("staffing", "reporting")}
    staffing = ServiceSettings.for_service("staffing", db_name=dbs["staffing"])
    reporting = ServiceSettings.for_service("reporting", db_name=dbs["reporting"])
    try:
        asyncio.run(migrate(staffing, StaffingApplication))
        asyncio.run(migrate(reporting, schema=migrate_schema))
        yield {"staffing": staffing, "reporting": reporting}
    finally:
        for db in dbs.values():
            testing.drop_database(db)


def test_no_service_role_is_a_superuser_or_may_create_databases_or_roles() -> None:
    admin = ServiceSettings.for_service("admin", db_name="postgres")
    with connect(admin) as conn:
        rows = conn.execute(
            "SELECT rolname, rolsuper, rolcreatedb, rolcreaterole FROM pg_roles"
            " WHERE rolname = ANY(%s)",
            ([f"ssp_{s}" for s in SERVICES] + ["ssp_migrate"],),
        ).fetchall()
    assert len(rows) == 5
    assert all(not (su or cdb or crole) for _, su, cdb, crole in rows), rows


def test_a_wrong_password_is_refused(migrated: dict[str, ServiceSettings]) -> None:
    with pytest.raises(psycopg.OperationalError, match="password authentication failed"):
        connect(migrated["staffing"], password="ssp").close()


def test_a_service_role_cannot_connect_to_another_services_database(
    migrated: dict[str, ServiceSettings],
) -> None:
    staffing, reporting = migrated["staffing"], migrated["reporting"]
    with pytest.raises(psycopg.OperationalError, match="permission denied for database"):
        connect(staffing, dbname=reporting.db_name).close()
    with pytest.raises(psycopg.OperationalError, match="permission denied for database"):
        connect(reporting, dbname=staffing.db_name).close()


def test_a_service_role_cannot_create_a_database(migrated: dict[str, ServiceSettings]) -> None:
    with connect(migrated["staffing"]) as conn, pytest.raises(errors.InsufficientPrivilege):
        conn.execute("CREATE DATABASE t_should_never_exist")


def test_a_service_cannot_delete_or_truncate_its_stored_events(
    migrated: dict[str, ServiceSettings],
) -> None:
    with connect(migrated["staffing"]) as conn:
        conn.execute("SELECT count(*) FROM staffing_events")  # reads and appends, as it must
        for statement in ("DELETE FROM staffing_events", "TRUNCATE staffing_events"):
            with pytest.raises(errors.InsufficientPrivilege):
                conn.execute(statement)
        with pytest.raises(errors.InsufficientPrivilege):
            conn.execute("DROP TABLE staffing_events")


def test_reporting_may_add_to_and_read_the_audit_trail_and_nothing_else(
    migrated: dict[str, ServiceSettings],
) -> None:
    with connect(migrated["reporting"]) as conn:
        conn.execute(
            """INSERT INTO audit_trail (event_id, event_type, entity, actor_id, actor_role,
                   correlation_id, source, event_time, sequence, topic, data, prev_hash, hash)
               VALUES ('e-1', 't', 'x', 'a', 'auditor', 'c', '/ssp/test', now(), 1, 'topic',
                   '{}', 'p', 'h')"""
        )
        assert conn.execute("SELECT count(*) FROM audit_trail").fetchone() == (1,)
        for statement in (
            "UPDATE audit_trail SET actor_id = 'someone-else'",
            "DELETE FROM audit_trail",
            "TRUNCATE audit_trail",
            "DROP TABLE audit_trail",
            "ALTER TABLE audit_trail DROP COLUMN hash",
        ):
            with pytest.raises(errors.InsufficientPrivilege):
                conn.execute(statement)
        # Its own read models it may change (a rebuild or a correction replays them).
        conn.execute("DELETE FROM perf_incidents WHERE false")


def test_migrations_run_as_the_migration_role_which_owns_the_protected_tables(
    migrated: dict[str, ServiceSettings],
) -> None:
    reporting = migrated["reporting"]
    with connect(as_migrator(reporting)) as conn:
        owners = dict(
            conn.execute(
                "SELECT tablename, tableowner FROM pg_tables"
                " WHERE tablename IN ('audit_trail', 'audit_chain_head')"
            ).fetchall()
        )
    assert owners == {"audit_trail": "ssp_migrate", "audit_chain_head": "ssp_migrate"}


def test_migrating_again_leaves_a_services_own_tables_alone(
    migrated: dict[str, ServiceSettings],
) -> None:
    # Every start migrates; tables the service made for itself (its relay position) stay its own.
    staffing = migrated["staffing"]
    with connect(staffing) as conn:
        conn.execute("CREATE TABLE IF NOT EXISTS own_position (relay text PRIMARY KEY)")
    asyncio.run(migrate(staffing, StaffingApplication))
    with connect(staffing) as conn:
        conn.execute("DELETE FROM own_position")
        owner = conn.execute("SELECT tableowner FROM pg_tables WHERE tablename = 'own_position'")
        assert owner.fetchone() == ("ssp_staffing",)
