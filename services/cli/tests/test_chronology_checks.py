"""The demo's checks of a pupil's chronology, and the report's line on chronologies consulted.

Issue item 15: "For a pupil reference, one scoped, audited view across incidents, searches,
evidence, arrests and disclosures, in time order".
"""

from services.cli.report_chronologies import line, summarise
from services.cli.workload.plan_chronologies import in_order_at, nothing


def entry(at: str, school: str = "s-1") -> dict[str, str]:
    return {"at": at, "school_id": school, "record_kind": "incident"}


def test_a_lead_s_read_must_be_in_time_order_and_of_their_school_only() -> None:
    check = in_order_at("s-1")
    # 10:00 BST is 09:00 UTC: earlier than 09:30Z although it sorts later as text
    ordered = [entry("2026-07-08T10:00:00+01:00"), entry("2026-07-08T09:30:00Z")]
    assert check({"entries": ordered}) is None
    assert check({"entries": ordered[::-1]}) == "the chronology is not in time order"
    other = [entry("2026-07-08T09:30:00Z", "s-2")]
    assert check({"entries": other}) == "the chronology holds another school's records"
    assert check({"entries": []}) == "a pupil with an incident has an empty chronology"
    assert nothing({"entries": []}) is None
    assert nothing({"entries": other}) == "another school's lead sees the pupil's records"


def test_the_report_counts_chronology_reads_apart_from_other_consultations() -> None:
    rows = [
        {"service": "incidents", "record_kind": "pupil_chronology", "purpose": "safeguarding",
         "consultations": 4, "records_shown": 9},
        {"service": "incidents", "record_kind": "incident", "purpose": "investigation",
         "consultations": 30, "records_shown": 30},
    ]  # fmt: skip
    fig = summarise(rows)
    assert fig == {"consultations": 4, "records_shown": 9,
                   "by_purpose": {"safeguarding": 4}, "all_consultations": 34}  # fmt: skip
    assert line(fig).startswith("Chronologies consulted: 4 reads of a pupil's chronology")
