"""The demo's baseline returns: the last term that ended before a school's first officer."""

from datetime import date

import pytest

from services.cli.workload.plan_schools import baseline_term


@pytest.mark.parametrize(
    ("first_deployed", "term", "ended"),
    [
        (date(2024, 9, 1), "2024-summer", date(2024, 8, 31)),
        (date(2024, 8, 31), "2024-spring", date(2024, 3, 31)),
        (date(2024, 4, 1), "2024-spring", date(2024, 3, 31)),
        (date(2024, 3, 31), "2023-autumn", date(2023, 12, 31)),
        (date(2024, 1, 1), "2023-autumn", date(2023, 12, 31)),
        (date(2024, 12, 31), "2024-summer", date(2024, 8, 31)),
    ],
)
def test_the_baseline_term_ended_before_the_first_deployment(
    first_deployed: date, term: str, ended: date
) -> None:
    assert baseline_term(first_deployed) == (term, ended)
    assert ended < first_deployed
