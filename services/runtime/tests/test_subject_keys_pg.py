"""Subject keys in a real service database: the migration makes the table, rotation re-wraps."""

import asyncio
import base64
import secrets
from collections.abc import Callable

import psycopg
import pytest

from services.cli.main import main
from services.incidents.application import IncidentsApplication
from services.runtime.dbroles import migrate
from services.runtime.sealed import ERASED
from services.runtime.settings import ServiceSettings
from services.runtime.subjects import subject_keys_of

pytestmark = pytest.mark.stack


def key() -> str:
    """A random master key, base64."""
    return base64.b64encode(secrets.token_bytes(32)).decode()


def test_rotate_rewraps_in_postgres_and_everything_reads_back(
    fresh_db: Callable[[str], str],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    db = fresh_db("subjects")
    settings = ServiceSettings.for_service("incidents", db_name=db)
    asyncio.run(migrate(settings, IncidentsApplication))
    old, new = key(), key()
    monkeypatch.setenv("SSP_INCIDENTS_SUBJECT_MASTER_KEYS", f"old:{old}")
    subjects = subject_keys_of(ServiceSettings.for_service("incidents", db_name=db))
    refs = [f"pupil-{i:012x}" for i in range(5)]
    tokens = {ref: subjects.seal(ref, "person", f"name of {ref}") for ref in refs}
    assert subjects.erase(refs[0]) is not None

    monkeypatch.setenv("SSP_INCIDENTS_SUBJECT_MASTER_KEYS", f"new:{new},old:{old}")
    assert main(["keys", "rotate", "incidents", "--db", db]) == 0
    out = capsys.readouterr().out
    assert "4 data keys of incidents re-wrapped under new" in out
    assert "master key new (current) wraps 4 data keys" in out

    # The old key retired: every event's sealed fields still open, the erased one stays erased.
    monkeypatch.setenv("SSP_INCIDENTS_SUBJECT_MASTER_KEYS", f"new:{new}")
    after = subject_keys_of(ServiceSettings.for_service("incidents", db_name=db))
    assert after.open(tokens[refs[0]], "person") == ERASED
    for ref in refs[1:]:
        assert after.open(tokens[ref], "person") == f"name of {ref}"

    # The table is the migration role's; the service's role keeps rows, not the table.
    with psycopg.connect(settings.pg_dsn, autocommit=True) as conn:
        owner = conn.execute(
            "SELECT tableowner FROM pg_tables WHERE tablename = 'ssp_subject_keys'"
        ).fetchone()
        assert owner == ("ssp_migrate",)
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("DROP TABLE ssp_subject_keys")
