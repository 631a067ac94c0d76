"""``ssp audit verify`` and ``ssp audit export`` from the auditor's shell."""

import argparse
import asyncio
import json
from collections.abc import Callable
from pathlib import Path

import asyncpg
import pytest

from services.reporting import cli
from services.reporting.tests.audit_stories import record, reported

pytestmark = pytest.mark.stack


def ssp(*argv: str) -> int:
    """Run ``ssp <argv>`` with the audit commands registered, as the real CLI does."""
    parser = argparse.ArgumentParser(prog="ssp")
    cli.register(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(argv)
    code: int = args.func(args)
    return code


@pytest.fixture
def given_a_recorded_trail(reporting_db: str, read_models: asyncpg.Connection) -> str:
    # read_models lives on the test's event loop; the CLI runs its own, so write through a new one
    async def write() -> None:
        from services.runtime.settings import ServiceSettings

        conn = await asyncpg.connect(
            ServiceSettings.for_service("reporting", db_name=reporting_db).pg_dsn
        )
        await record(conn, [reported(1), reported(2), reported(3)])
        await conn.close()

    asyncio.run(write())
    return reporting_db


def test_verify_of_an_intact_trail_exits_0(
    given_a_recorded_trail: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert ssp("audit", "verify", "--db", given_a_recorded_trail) == 0
    assert "intact: 3 entries" in capsys.readouterr().out


def test_verify_names_the_first_broken_entry_and_exits_1(
    given_a_recorded_trail: str, capsys: pytest.CaptureFixture[str]
) -> None:
    async def tamper() -> int:
        from services.runtime.dbroles import as_migrator
        from services.runtime.settings import ServiceSettings

        # As the tables' owner: reporting's own role may not change an entry.
        settings = ServiceSettings.for_service("reporting", db_name=given_a_recorded_trail)
        conn = await asyncpg.connect(as_migrator(settings).pg_dsn)
        second: int = await conn.fetchval(
            "SELECT seq FROM audit_trail ORDER BY seq OFFSET 1 LIMIT 1"
        )
        await conn.execute("UPDATE audit_trail SET entity = 'x' WHERE seq = $1", second)
        await conn.close()
        return second

    second = asyncio.run(tamper())
    assert ssp("audit", "verify", "--db", given_a_recorded_trail) == 1
    assert f"BROKEN at entry seq {second}" in capsys.readouterr().err


def test_export_writes_json_lines_to_a_file(given_a_recorded_trail: str, tmp_path: Path) -> None:
    out = tmp_path / "trail.jsonl"
    assert ssp("audit", "export", "--db", given_a_recorded_trail, "-o", str(out)) == 0
    entries = [json.loads(line) for line in out.read_text().splitlines()]
    assert len(entries) == 3
    assert entries[2]["prev_hash"] == entries[1]["hash"]


def test_export_as_csv_filtered_by_time(given_a_recorded_trail: str, tmp_path: Path) -> None:
    out = tmp_path / "trail.csv"
    code = ssp(
        "audit",
        "export",
        "--db",
        given_a_recorded_trail,
        "--format",
        "csv",
        "-o",
        str(out),
        "--since",
        "2026-11-23T09:02:00Z",
    )
    assert code == 0
    assert len(out.read_text().splitlines()) == 1 + 2  # header, minutes 2 and 3


@pytest.mark.parametrize(
    ("argv", "reason"),
    [
        (("--since", "yesterday"), "--since: not an ISO 8601 time"),
        (("--since", "2026-11-23T09:00:00"), "--since: give a timezone"),
        (("--since", "2026-11-24T00:00:00Z", "--until", "2026-11-23T00:00:00Z"), "--until"),
        (
            ("--db", "no_such_database_here"),
            "--db: database 'no_such_database_here' does not exist",
        ),
    ],
)
def test_bad_input_exits_2_with_a_one_line_reason(
    given_a_recorded_trail: str,
    capsys: pytest.CaptureFixture[str],
    argv: tuple[str, ...],
    reason: str,
) -> None:
    db = () if "--db" in argv else ("--db", given_a_recorded_trail)
    assert ssp("audit", "export", *db, *argv) == 2
    err = capsys.readouterr().err.strip()
    assert reason in err and "\n" not in err


def test_a_database_without_an_audit_trail_exits_2(
    fresh_db: Callable[[str], str], capsys: pytest.CaptureFixture[str]
) -> None:
    empty = fresh_db("empty")
    assert ssp("audit", "verify", "--db", empty) == 2
    assert "no audit trail" in capsys.readouterr().err
