"""The fault suite's rows: which targets a row misses, and its table line."""

from services.cli.faults.report import Row, table
from services.cli.faults.tally import Counts


def counts(**changes: int) -> Counts:
    base = {
        "committed": 1000,
        "on_kafka": 1000,
        "applied": 1000,
        "duplicates": 0,
        "lost": 0,
        "dead_lettered": 0,
    }
    return Counts(**{**base, **changes})


def test_a_row_that_meets_every_target_misses_none() -> None:
    row = Row("relay SIGKILL", counts(), catch_up=30.0, duration=60.0)
    assert row.misses() == []
    assert row.ratio == 1.0


def test_each_equality_is_a_target() -> None:
    row = Row("kafka", counts(applied=990, on_kafka=995, lost=10, duplicates=2), 1.0, 60.0)
    misses = row.misses(timings=False)
    assert any("applied 990 != committed 1000" in m for m in misses)
    assert any("distinct on Kafka 995" in m for m in misses)
    assert "10 lost" in misses and "2 duplicates applied" in misses


def test_an_event_on_kafka_that_no_store_holds_is_a_miss() -> None:
    row = Row("kafka", counts(phantoms=3), 1.0, 60.0)
    assert row.misses(timings=False) == ["3 events on Kafka that no store holds"]


def test_poison_not_dead_lettered_is_a_miss() -> None:
    row = Row("poison", counts(), 2.0, 0.0, poison_missing=["poison-x by reporting.audit"])
    assert row.misses() == ["poison not dead-lettered: poison-x by reporting.audit"]


def test_timings_are_checked_only_when_asked() -> None:
    slow = Row("postgres", counts(), catch_up=None, duration=60.0)
    assert slow.misses(timings=False) == []
    assert slow.misses() == ["catch-up never > 2 x fault 60.0 s"]
    assert Row("db", counts(), catch_up=121.0, duration=60.0).misses()


def test_the_table_has_one_line_per_row() -> None:
    text = table([Row("relay SIGKILL", counts(), 5.7, 60.0)])
    header, rule, line = text.splitlines()
    assert header.count("|") == rule.count("|") == line.count("|")
    assert line == "| relay SIGKILL | 1,000 | 1,000 | 1,000 | 1.000 | 0 | 0 | 0 | 5.7 | 60.0 |"
