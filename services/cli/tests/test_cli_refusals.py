"""Bad input to the ssp command: exit code 2 and a one-line reason."""

import pytest

from services.cli.main import main
from services.runtime.auth import verify_token
from services.runtime.settings import ServiceSettings
from services.runtime.tokens import verifier_for


def test_a_token_for_an_unknown_role_exits_2_with_one_line(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["token", "--role", "janitor", "--sub", "x", "--audience", "incidents"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("ssp token: role must be one of")
    assert "\n" not in err


def test_a_token_is_printed_for_a_known_role(capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["token", "--role", "head_teacher", "--sub", "ht-1", "--school", "S1"]
    assert main([*argv, "--audience", "incidents"]) == 0
    verifier = verifier_for(ServiceSettings.for_service("incidents"))
    principal = verify_token(verifier, capsys.readouterr().out.strip())
    assert (principal.sub, principal.role, principal.school) == ("ht-1", "head_teacher", "S1")


def test_a_token_the_services_would_refuse_is_not_printed(
    capsys: pytest.CaptureFixture[str],
) -> None:
    # A borough supervisor without a borough once read every search in London
    assert main(["token", "--role", "borough_supervisor", "--sub", "x", "--audience", "x"]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.strip() == (
        "ssp token: a borough_supervisor token must carry its borough claim (--borough)"
    )


def test_an_unknown_sub_command_exits_2() -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["frobnicate"])
    assert exit_.value.code == 2
