"""Bodies the schema cannot describe: CSV files for the staffing import, near valid and not."""

from typing import Any

from hypothesis import strategies as st

from tests.fuzz.seed import BOROUGH, OFFICER

# Column order as the import documents it; a value that passes, then the fuzz's own text.
GOOD: dict[str, dict[str, list[str]]] = {
    "schools": {
        "school_id": ["fuzz-csv-school"],
        "name": ["Fuzz CSV school"],
        "borough": [BOROUGH],
        "phase": ["secondary", "primary"],
        "pupil_count": ["900", "0"],
        "programme": ["safer_schools_partnership"],
        "protocol_signed_on": ["2025-09-01", ""],
    },
    "officers": {
        "officer_id": ["fuzz-csv-officer"],
        "rank": ["constable", "pcso"],
        "borough": [BOROUGH],
        "selection_panel": ["police;school", "police"],
    },
    "rosters": {
        "officer_id": [OFFICER],
        "term": ["2026-autumn", "2026-spring"],
        "date": ["2026-11-23", "2026-11-24"],
        "start": ["08:00", "07:30:00"],
        "hours": ["8", "4.5"],
    },
}


def csv_body(kind: str) -> st.SearchStrategy[str]:
    """A CSV file for ``kind``: the documented header (mostly), rows of good or fuzzed cells."""
    columns = GOOD.get(kind, GOOD["schools"])
    cell = {
        name: st.sampled_from(values) | st.text(max_size=20) for name, values in columns.items()
    }
    row = st.fixed_dictionaries(cell).map(lambda r: ",".join(_quoted(v) for v in r.values()))
    header = st.sampled_from([",".join(columns), ",".join(reversed(columns))]) | st.text(
        max_size=30
    )
    return st.tuples(header, st.lists(row, max_size=5)).map(lambda h: "\n".join([h[0], *h[1]]))


def _quoted(value: str) -> str:
    return '"' + value.replace('"', '""') + '"' if any(c in value for c in ',"\n\r') else value


def special_body(label: str, case: Any) -> st.SearchStrategy[Any] | None:
    """A body strategy for operations whose schema says only 'a string', else None."""
    if label == "POST /imports/{kind}" and isinstance(case.path_parameters, dict):
        return csv_body(str(case.path_parameters.get("kind", "schools")))
    return None
