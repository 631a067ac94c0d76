"""Bad input to the ssp command: exit code 2 and a one-line reason."""

import jwt
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


def test_a_token_names_only_the_audience_asked_for(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["token", "--role", "auditor", "--sub", "a-1", "--audience", "reporting"]) == 0
    token = capsys.readouterr().out.strip()
    assert jwt.decode(token, options={"verify_signature": False})["aud"] == "ssp-reporting"
    with pytest.raises(jwt.InvalidTokenError, match="Audience"):
        verify_token(verifier_for(ServiceSettings.for_service("incidents")), token)


def test_a_token_longer_lived_than_the_services_accept_is_not_printed(
    capsys: pytest.CaptureFixture[str],
) -> None:
    argv = ["token", "--role", "auditor", "--sub", "a-1", "--audience", "reporting"]
    assert main([*argv, "--ttl", "43200"]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "cap of 900 seconds" in captured.err


def test_migrating_an_unknown_service_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["migrate", "payroll"]) == 2
    assert capsys.readouterr().err.startswith("ssp migrate: no such service: payroll")
