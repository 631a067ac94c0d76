"""Bad input to ssp restore and republish: exit code 2 and one line, before anything changes."""

import pytest

from services.cli.main import main

REFUSED = [
    (["restore", "--service", "incidents", "--to", "2026-01-01T10:00:00"], "give a timezone"),
    (["restore", "--service", "incidents", "--to", "yesterday"], "not an ISO 8601 time"),
    (["restore", "--service", "incidents", "--to", "2999-01-01T00:00:00Z"], "in the past"),
    (["restore", "--service", "incidents"], "give the time to restore to"),
    (["restore", "--service", "incidents", "--swap"], "give the time to restore to"),
    (
        ["restore", "--service", "incidents", "--to", "2026-01-01T10:00:00Z", "--into", "Bad-1"],
        "is not a lower-case name",
    ),
    (
        ["restore", "--service", "all", "--to", "2026-01-01T10:00:00Z", "--db", "x"],
        "no --db/--into",
    ),
    (
        ["restore", "--service", "incidents", "--to", "2026-01-01T10:00:00Z", "--restored", "x"],
        "only with --swap",
    ),
]


@pytest.mark.parametrize(("argv", "says"), REFUSED)
def test_a_refused_restore_exits_2_with_one_line(
    argv: list[str], says: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(argv) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith(f"ssp {argv[0]}: ")
    assert says in err
    assert "\n" not in err
