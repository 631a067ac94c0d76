"""Starting states of the staffing stories, built through the application's own commands."""

from collections.abc import Iterator
from datetime import date
from uuid import UUID

import pytest
from fastapi.testclient import TestClient

from services.runtime.clock import FixedClock, london
from services.runtime.domain import Actor
from services.runtime.settings import ServiceSettings
from services.runtime.testing import bearer
from services.staffing.application import StaffingApplication
from services.staffing.main import create_app
from services.staffing.settings import StaffingConfig

BOROUGH = "waltham-forest"
TERM = "2025-autumn"
SUPERVISOR = Actor("sgt-100", "borough_supervisor", "corr-1", None, BOROUGH)


@pytest.fixture
def app() -> StaffingApplication:
    """An empty staffing application on in-memory persistence."""
    return StaffingApplication(config=StaffingConfig(absence_min_notice_days=7))


def register_school(
    app: StaffingApplication, school_id: str, phase: str = "secondary", signed: bool = True
) -> None:
    """Register a school; ``signed``: with a protocol signed in 2020, reviewed to 2027."""
    app.register_school(
        school_id=school_id,
        name=f"School {school_id}",
        borough=BOROUGH,
        phase=phase,
        pupil_count=900,
        programme="safer_schools_partnership",
        actor=SUPERVISOR,
    )
    if signed:  # no deployment before a signed, current protocol
        app.sign_protocol(school_id, date(2020, 1, 6), SUPERVISOR, "A. Head", "B. Commander")
        app.record_review(school_id, date(2026, 1, 5), SUPERVISOR, "Reviewed", ["Keep going"])


def register_officer(app: StaffingApplication, officer_id: str = "pc-1234") -> None:
    app.register_officer(
        officer_id=officer_id,
        rank="constable",
        borough=BOROUGH,
        selection_panel=["police", "local_education_authority", "school"],
        actor=SUPERVISOR,
    )


def deploy(
    app: StaffingApplication,
    school_id: str = "warwick-boys",
    share: int = 100,
    officer_id: str = "pc-1234",
    tenure_end: date | None = None,
    start: date = date(2025, 9, 1),
) -> UUID:
    return app.deploy(
        officer_id=officer_id,
        school_id=school_id,
        to_cluster=False,
        share_percent=share,
        start_date=start,
        tenure_end=tenure_end,
        actor=SUPERVISOR,
    )


@pytest.fixture
def given_registered_officer_and_school(app: StaffingApplication) -> StaffingApplication:
    """A secondary school and an officer of the same borough, not yet deployed."""
    register_school(app, "warwick-boys")
    register_officer(app)
    return app


@pytest.fixture
def given_deployed_officer(given_registered_officer_and_school: StaffingApplication) -> UUID:
    """Officer pc-1234 deployed full time to warwick-boys from 1 September 2025."""
    return deploy(given_registered_officer_and_school)


@pytest.fixture
def given_term_calendar(app: StaffingApplication) -> None:
    """Autumn term 2025: 3 September to 19 December, half term 27-31 October."""
    app.set_term_calendar(
        BOROUGH,
        TERM,
        date(2025, 9, 3),
        date(2025, 12, 19),
        [{"starts_on": date(2025, 10, 27), "ends_on": date(2025, 10, 31), "kind": "half_term"}],
        SUPERVISOR,
    )


@pytest.fixture
def given_rostered_officer(
    app: StaffingApplication, given_deployed_officer: UUID, given_term_calendar: None
) -> UUID:
    """The deployed officer with the autumn term planned Monday to Friday, 8 hours from 08:00."""
    return app.generate_roster("pc-1234", TERM, None, None, None, SUPERVISOR)


# API stories run on a fixed London day, so "today" in listings never drifts.
CLOCK = FixedClock(london(2026, 11, 23, 9))


@pytest.fixture
def client() -> Iterator[TestClient]:
    """The staffing API on in-memory persistence."""
    with TestClient(
        create_app(ServiceSettings.for_service("staffing", in_memory=True), CLOCK)
    ) as c:
        yield c


def supervisor(borough: str = BOROUGH) -> dict[str, str]:
    """Headers of a borough supervisor."""
    return dict(bearer("borough_supervisor", "sgt-100", borough=borough))
