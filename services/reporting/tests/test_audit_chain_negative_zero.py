"""A payload number of -0.0 (a longitude rounded near Greenwich) keeps the chain verifiable.

jsonb stores numbers as numeric, which has no negative zero: the entry reads back with 0.0.
The restore drill found it: Waltham Forest's searches, longitude rounded to -0.0.
"""

from datetime import UTC, datetime

from services.reporting.chain import GENESIS, entry_hash


def entry(longitude: float) -> dict[str, object]:
    return {
        "event_id": "e/1", "event_type": "t", "entity": "e", "actor_id": "a",
        "actor_role": "r", "correlation_id": "c", "causation_id": None, "source": "/ssp/x",
        "event_time": datetime(2026, 4, 14, tzinfo=UTC), "sequence": 1, "topic": "t",
        "data": {"where": [{"longitude": longitude}], "latitude": 51.59},
    }  # fmt: skip


def test_an_entry_hashed_with_minus_zero_verifies_as_read_back_from_jsonb() -> None:
    assert entry_hash(GENESIS, entry(-0.0)) == entry_hash(GENESIS, entry(0.0))


def test_other_numbers_still_count() -> None:
    assert entry_hash(GENESIS, entry(-0.01)) != entry_hash(GENESIS, entry(0.0))
