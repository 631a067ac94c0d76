"""``ssp subject-access``: the statutory month, and a printable page that escapes everything."""

from datetime import date

import pytest

from services.cli.main import main
from services.cli.subject_access import export, render_html
from services.runtime.subject_access import due_by


@pytest.mark.parametrize(
    ("received", "due"),
    [
        (date(2026, 11, 3), date(2026, 12, 3)),
        (date(2026, 12, 15), date(2027, 1, 15)),
        (date(2026, 1, 31), date(2026, 2, 28)),  # no 31 February: the month's last day
        (date(2028, 1, 30), date(2028, 2, 29)),
    ],
)
def test_the_answer_is_due_one_calendar_month_after_receipt(received: date, due: date) -> None:
    assert due_by(received) == due


def test_the_page_shows_the_due_date_and_escapes_what_the_records_say() -> None:
    document = {
        "service": "incidents",
        "subject_ref": "pupil-0123456789ab",
        "generated_at": "2026-11-29T09:00:00+00:00",
        "records": [
            {
                "record_kind": "incident",
                "record_id": "abc",
                "record": {"description": "<script>alert(1)</script>", "pupil_refs": ["p"]},
                "history": [{"recorded_at": "2026-11-28", "event": "Incident.Reported"}],
            }
        ],
    }
    answer = export("pupil-0123456789ab", date(2026, 11, 29), [document])
    page = render_html(answer)
    assert answer["due_by"] == "2026-12-29" and "2026-12-29" in page
    assert "<script>" not in page and "&lt;script&gt;" in page
    assert "Incident.Reported" in page


def test_a_reference_that_is_not_one_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["subject-access", "../../etc/passwd"]) == 2
    assert "reference must read" in capsys.readouterr().err
