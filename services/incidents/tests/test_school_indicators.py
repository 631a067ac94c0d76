"""Termly indicators: submitted once, corrected by superseding revisions."""

import pytest

from services.incidents.application import IncidentsApplication
from services.incidents.tests.conftest import SCHOOL, actor, now
from services.runtime.domain import RuleViolation, StateConflict

HEAD = actor("head_teacher", "head-1")
COUNTS = {
    "bullying_incidents": 4,
    "unauthorised_absence_sessions": 310,
    "fixed_term_exclusions": 6,
    "permanent_exclusions": 0,
}


def submit(app: IncidentsApplication, term: str = "2026-summer") -> None:
    moment = now()
    app.submit_indicators(
        school_id=SCHOOL, term=term, counts=COUNTS, submitted_at=moment, now=moment, actor=HEAD
    )


def correct(
    app: IncidentsApplication, counts: dict[str, int], reason: str = "Late returns"
) -> None:
    moment = now()
    app.correct_indicators(
        school_id=SCHOOL,
        term="2026-summer",
        counts=counts,
        reason=reason,
        submitted_at=moment,
        now=moment,
        actor=actor("school_staff", "staff-1"),
    )


def test_a_correction_supersedes_and_the_first_return_stays(app: IncidentsApplication) -> None:
    # Given the head teacher's return for the summer term
    submit(app)
    # When staff correct the truancy count
    correct(app, {**COUNTS, "unauthorised_absence_sessions": 342})
    record = app.get_indicators(SCHOOL, "2026-summer")
    # Then the current counts are the correction, and revision 1 is kept, superseded by 2
    assert record.counts["unauthorised_absence_sessions"] == 342
    first, second = record.revisions
    assert first["counts"] == COUNTS and first["superseded_by"] == 2
    assert second["reason"] == "Late returns" and second["superseded_by"] is None


def test_a_second_submission_must_be_a_correction(app: IncidentsApplication) -> None:
    submit(app)
    with pytest.raises(StateConflict) as refused:
        submit(app)
    assert refused.value.rule == "indicators-submitted"


def test_a_correction_that_changes_nothing_is_refused(app: IncidentsApplication) -> None:
    submit(app)
    with pytest.raises(RuleViolation) as refused:
        correct(app, dict(COUNTS))
    assert refused.value.rule == "correction-changes-nothing"


@pytest.mark.parametrize(
    ("term", "rule"),
    [
        ("summer-2026", "term"),
        ("2099-autumn", "term-not-started"),
        ("0000-autumn", "term"),  # the calendar has no year 0 (found by the fuzz: a 500)
        ("1899-summer", "term"),
    ],
)
def test_the_term_must_be_well_formed_and_started(
    app: IncidentsApplication, term: str, rule: str
) -> None:
    with pytest.raises(RuleViolation) as refused:
        submit(app, term)
    assert (refused.value.rule, refused.value.field) == (rule, "term")
