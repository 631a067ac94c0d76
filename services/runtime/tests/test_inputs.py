"""The runtime's input types refuse what would break a command later, naming the rule."""

from datetime import UTC, date, datetime, time, timedelta, timezone
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from pydantic import TypeAdapter, ValidationError

from services.runtime.inputs import Day, FreeText, Instant, Text, TimeOfDay

LONDON = ZoneInfo("Europe/London")


def refusal(kind: Any, value: Any) -> str:
    """The error type (the rule) pydantic gives for ``value``."""
    with pytest.raises(ValidationError) as caught:
        TypeAdapter(kind).validate_python(value)
    rule: str = caught.value.errors()[0]["type"]
    return rule


def test_a_british_summer_time_moment_is_accepted_with_its_offset() -> None:
    summer = TypeAdapter(Instant).validate_python("2026-07-01T08:30:00+01:00")
    assert summer == datetime(2026, 7, 1, 8, 30, tzinfo=LONDON)
    assert summer.utcoffset() == timedelta(hours=1)
    zoned = datetime(2026, 7, 1, 8, 30, tzinfo=LONDON)
    assert TypeAdapter(Instant).validate_python(zoned) is zoned


def test_a_moment_without_timezone_is_refused() -> None:
    assert refusal(Instant, "2026-07-01T08:30:00") == "timezone-required"
    assert refusal(Instant, datetime(2026, 7, 1, 8, 30)) == "timezone-required"


@pytest.mark.parametrize("text", ["0001-01-01T10:00:00Z", "9999-12-01T00:00:00+00:00"])
def test_a_moment_outside_1900_to_2100_is_refused(text: str) -> None:
    assert refusal(Instant, text) == "date-out-of-range"


def test_the_window_holds_its_first_and_last_day() -> None:
    days = TypeAdapter(list[Day]).validate_python(["1900-01-01", "2100-12-31"])
    assert days == [date(1900, 1, 1), date(2100, 12, 31)]
    early = datetime(1900, 1, 1, tzinfo=timezone(timedelta(hours=-5)))
    assert TypeAdapter(Instant).validate_python(early) == early
    assert refusal(Day, "1899-12-31") == "date-out-of-range"
    assert refusal(Day, "9999-12-01") == "date-out-of-range"


def test_a_time_of_day_carries_no_offset() -> None:
    assert TypeAdapter(TimeOfDay).validate_python("08:00:00") == time(8, 0)
    assert refusal(TimeOfDay, "08:00:00Z") == "offset-not-allowed"
    assert refusal(TimeOfDay, "08:00:00+01:00") == "offset-not-allowed"
    assert refusal(TimeOfDay, time(8, 0, tzinfo=UTC)) == "offset-not-allowed"


@pytest.mark.parametrize("text", ["PR\x00-1", "two\nlines", "tab\there", "del\x7f", "c1\x85"])
def test_one_line_text_refuses_every_control_character(text: str) -> None:
    assert refusal(Text, text) == "control-character"


def test_free_text_keeps_its_lines_but_not_nul() -> None:
    note = "First line\r\nsecond line\twith a tab"
    assert TypeAdapter(FreeText).validate_python(note) == note
    assert refusal(FreeText, "before\x00after") == "control-character"
    assert refusal(FreeText, "bell\x07") == "control-character"


def test_the_refusal_says_which_character_and_where() -> None:
    with pytest.raises(ValidationError) as caught:
        TypeAdapter(Text).validate_python("ab\x00")
    assert (
        caught.value.errors()[0]["msg"] == "must not contain control character U+0000 at position 2"
    )
