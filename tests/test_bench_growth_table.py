"""`make bench-growth` writes its curve between its own markers, each scale against 1x."""

from datetime import UTC, datetime
from pathlib import Path

from bench.growth import BEGIN, END, Figures, render
from bench.table import BEGIN as BENCH_BEGIN
from bench.table import END as BENCH_END
from bench.table import write_into


def test_the_curve_is_judged_against_1x_and_leaves_the_bench_table_alone(tmp_path: Path) -> None:
    readme = tmp_path / "README.md"
    readme.write_text(f"{BEGIN}\nold curve\n{END}\n\n{BENCH_BEGIN}\nbench table\n{BENCH_END}\n")
    ms = [10.0] * 99 + [20.0]
    runs = [
        Figures(1, 2_235, 1.0, [1000.0], ms, ms),
        Figures(10, 22_045, 9.0, [1400.0], [14.0] * 100, ms),  # every figure within 1.5x
        Figures(100, 220_145, 90.0, [1000.0], ms, [16.0] * 100),  # the query's p50 is 1.6x
    ]
    write_into(readme, render(runs, datetime(2026, 11, 29, tzinfo=UTC)), BEGIN, END)
    text = readme.read_text()
    assert "old curve" not in text and "bench table" in text
    rows = [line for line in text.splitlines() if line.startswith(("| 1", "| 10"))]
    assert rows[0].startswith("| 1x | 2,235 |") and rows[0].endswith("| — |")
    assert "1,400 (1.40)" in rows[1] and rows[1].endswith("| yes |")
    assert "16 (1.60)" in rows[2] and rows[2].endswith("| **no** |")
