"""The report's school records: reporting's rows summed for London, one row per school.

Source (Appendix 2): "Where the SSPO searches a pupil a record of the search will be made on
MPS Form 5090" - the school's searches stand beside the police searches, never among them.
"""

import io

from rich.console import Console

from services.cli.report_school_records import print_school_records, summarise, table_rows

ALLEGATIONS = [
    {"school_id": "S1", "borough": "hackney", "term": "2026-autumn", "recorded": 3,
     "referred": 2, "open": 2, "by_outcome": {"open": 2, "local-resolution": 1}},
    {"school_id": "S3", "borough": "camden", "term": "2026-autumn", "recorded": 1,
     "referred": 1, "open": 0, "by_outcome": {"local-resolution": 1}},
]  # fmt: skip
SEARCHES = [
    {"school_id": "S1", "borough": "hackney", "term": "2026-autumn", "school_searches": 2,
     "school_searches_of_pupils": 1, "police_searches": 4},
    {"school_id": "S2", "borough": "hackney", "term": "2026-autumn", "school_searches": 0,
     "school_searches_of_pupils": 0, "police_searches": 1},
]  # fmt: skip


def test_london_totals_and_a_row_per_school() -> None:
    fig = summarise(ALLEGATIONS, SEARCHES)
    assert fig["allegations"] == {
        "recorded": 4, "referred": 3, "open": 2, "schools": 2,
        "by_outcome": {"open": 2, "local-resolution": 2},
    }  # fmt: skip
    assert fig["searches"] == {
        "school_searches": 2, "school_searches_of_pupils": 1, "police_searches": 5, "schools": 1,
    }  # fmt: skip
    assert table_rows(fig) == [
        ["S1", "hackney", "2026-autumn", 3, 2, 2, 2, 1, 4],
        ["S2", "hackney", "2026-autumn", 0, 0, 0, 0, 0, 1],
        ["S3", "camden", "2026-autumn", 1, 1, 0, 0, 0, 0],
    ]
    out = io.StringIO()
    print_school_records(Console(file=out, width=400), fig)
    text = out.getvalue()
    assert "Allegations against staff: 4 recorded at 2 schools, 3 referred" in text
    assert "Searches by school staff: 2 at 1 schools (1 of pupils)" in text
    assert "beside 5 police searches" in text and text.count("Definition:") == 2
