"""Fixtures of the reporting stories: a fresh read-model database, its connection, the API."""

from collections.abc import AsyncIterator, Callable, Iterator

import asyncpg
import pytest
from fastapi.testclient import TestClient

from services.reporting.main import create_app
from services.reporting.schema import migrate_schema
from services.reporting.views import all_projections, create_all_tables
from services.runtime.dbroles import as_migrator, migrate
from services.runtime.settings import ServiceSettings


@pytest.fixture
def reporting_db(fresh_db: Callable[[str], str]) -> str:
    """Name of a fresh, empty reporting database."""
    return fresh_db("reporting")


@pytest.fixture
async def read_models(reporting_db: str) -> AsyncIterator[asyncpg.Connection]:
    """A connection to the fresh database holding every reporting table, still empty.

    Migrated as `make up` does; the connection is the migration role's, which owns the tables,
    so stories may also tamper with the audit trail as only a database owner could.
    """
    settings = ServiceSettings.for_service("reporting", db_name=reporting_db)
    await migrate(settings, schema=migrate_schema)
    conn = await asyncpg.connect(as_migrator(settings).pg_dsn)
    await create_all_tables(conn, all_projections())
    yield conn
    await conn.close()


@pytest.fixture
def api(reporting_db: str, read_models: asyncpg.Connection) -> Iterator[TestClient]:
    """The reporting HTTP API over that database, its Kafka consumers switched off."""
    settings = ServiceSettings.for_service(
        "reporting", db_name=reporting_db, projections_enabled=False
    )
    with TestClient(create_app(settings)) as client:
        yield client
