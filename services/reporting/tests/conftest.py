"""Fixtures of the reporting stories: a fresh read-model database, its connection, the API."""

from collections.abc import AsyncIterator, Callable, Iterator

import asyncpg
import pytest
from fastapi.testclient import TestClient

from services.reporting.main import create_app
from services.reporting.views import all_projections, create_all_tables
from services.runtime.settings import ServiceSettings


@pytest.fixture
def reporting_db(fresh_db: Callable[[str], str]) -> str:
    """Name of a fresh, empty reporting database."""
    return fresh_db("reporting")


@pytest.fixture
async def read_models(reporting_db: str) -> AsyncIterator[asyncpg.Connection]:
    """A connection to the fresh database holding every reporting table, still empty."""
    settings = ServiceSettings.for_service("reporting", db_name=reporting_db)
    conn = await asyncpg.connect(settings.pg_dsn)
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
