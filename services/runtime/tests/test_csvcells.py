"""CSV exports open as text in a spreadsheet: a formula in a record is not run."""

from services.runtime.csvcells import defused


def test_text_that_a_spreadsheet_would_run_is_quoted() -> None:
    for text in ('=HYPERLINK("x")', "+A1", "-cmd", "@SUM(A1)", "\tx"):
        assert defused(text) == "'" + text


def test_ordinary_text_and_numbers_are_unchanged() -> None:
    assert defused("Hackney") == "Hackney"
    assert defused(-4) == -4
    assert defused("-0.02") == "-0.02"
    assert defused(12.5) == 12.5
    assert defused(None) is None
