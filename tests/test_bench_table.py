"""`make bench` writes its one table into bench/README.md between markers, keeping the prose."""

from datetime import UTC, datetime
from pathlib import Path

from bench.common import Measure
from bench.table import BEGIN, END, render, write_into


def test_the_table_replaces_the_last_one_and_keeps_the_prose(tmp_path: Path) -> None:
    readme = tmp_path / "README.md"
    readme.write_text(f"# Benchmarks\n\nprose before\n\n{BEGIN}\nold table\n{END}\n\nprose after\n")
    measures = [
        Measure("relay", 100, 600.0, "aiokafka producer", 1000.0, 0.5),
        Measure("e2e p99", 10, 300.0, "raw round trip", 50.0, 5.0, "ms", at_most=True),
        Measure("raw commits", 0, 4000.0, "", 0.0, None, "tx/s"),
    ]
    table = render(measures, datetime(2026, 11, 29, tzinfo=UTC))
    write_into(readme, table)
    text = readme.read_text()
    assert "old table" not in text and "prose before" in text and "prose after" in text
    rows = [line for line in text.splitlines() if line.startswith("| ")]
    assert rows[1].endswith("| 0.60 | ≥ 0.5 | yes |")  # 600/s against 1,000/s
    assert rows[2].endswith("| 6.00 | ≤ 5 | **no** |")  # 300 ms against 50 ms
    assert rows[3].endswith("| — | — | — |")
