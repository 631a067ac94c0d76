"""Starting states of the incidents stories: applications, clients, deployed officers."""

import asyncio
import uuid
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from ssp_contracts.events.staffing import OfficerDeployed, Rank

from services.incidents.api.context import IncidentsContext
from services.incidents.application import IncidentsApplication
from services.incidents.main import create_app
from services.incidents.views.cases import CASES
from services.incidents.views.deployments import InMemoryDeployments
from services.runtime.clock import LONDON, FixedClock, SystemClock, london, london_day
from services.runtime.domain import Actor
from services.runtime.endpoint import context_of
from services.runtime.settings import ServiceSettings
from services.runtime.testing import bearer
from services.runtime.views_pg import MemoryView, Where

SCHOOL = "school-001"
OTHER_SCHOOL = "school-002"
OFFICER = "officer-001"
PUPIL = "pupil-0123456789ab"
# Every incidents test runs on a winter (GMT) and a summer (BST) day, at a fixed time.
WINTER = london(2026, 12, 9, 12)
SUMMER = london(2026, 7, 8, 12)
# Outside those tests (the stack tests reuse these helpers against services on the real
# clock), the clock stands at the moment the tests started.
CLOCK = FixedClock(SystemClock().now())
_STARTED = CLOCK.at


@pytest.fixture(autouse=True, params=[WINTER, SUMMER], ids=["winter", "summer"])
def season(request: pytest.FixtureRequest) -> Iterator[datetime]:
    """Set the shared clock to the test's day; every test runs once in GMT and once in BST."""
    CLOCK.at = request.param
    yield CLOCK.at
    CLOCK.at = _STARTED


def now() -> datetime:
    """The fixed instant commands are handled at."""
    return CLOCK.now()


def at(days_ago: int = 0, hour: int = 10, minute: int = 30) -> datetime:
    """A recent London wall-clock time (GMT or BST, as on that day), ``days_ago`` back.

    Protocol hours are London hours, so a case at 07:59 must mean 07:59 in London in
    summer too (in UTC it would be 08:59 BST, inside the hours).
    """
    day = london_day(CLOCK.now()) - timedelta(days=days_ago)
    while day.isoweekday() > 5:
        day -= timedelta(days=1)
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=LONDON)


def actor(role: str = "school_officer", sub: str = OFFICER, school: str | None = SCHOOL) -> Actor:
    """The actor of a command."""
    return Actor(sub, role, "corr-1", school)


@pytest.fixture
def app() -> Iterator[IncidentsApplication]:
    """An incidents application on in-memory persistence."""
    application = IncidentsApplication()
    yield application
    application.close()


def report(app: IncidentsApplication, **overrides: Any) -> uuid.UUID:
    """Report an incident at SCHOOL during protocol hours, with ``overrides``."""
    facts: dict[str, Any] = {
        "school_id": SCHOOL,
        "occurred_at": at(1),
        "location_kind": "premises",
        "place": "playground",
        "category": "anti-social-behaviour",
        "came_to_notice": "officer_patrol",
        "description": "Fight near the bike sheds",
        "pupil_refs": [PUPIL],
        "allegation_against_staff": False,
        "actor": actor(),
        "now": CLOCK.now(),
    }
    return app.report_incident(**{**facts, **overrides})


@pytest.fixture
def given_reported_incident(app: IncidentsApplication) -> uuid.UUID:
    """A non-serious incident reported yesterday during protocol hours."""
    return report(app)


@pytest.fixture
def given_serious_incident(app: IncidentsApplication) -> uuid.UUID:
    """A robbery on the premises, head teacher not told yet."""
    return report(app, category="robbery")


def deployed(
    officer: str = OFFICER,
    schools: tuple[str, ...] = (SCHOOL,),
    borough: str = "Waltham Forest",
    rank: Rank = "constable",
) -> OfficerDeployed:
    """A staffing event: the officer deployed to ``schools`` since last year."""
    today = london_day(CLOCK.now())
    return OfficerDeployed(
        deployment_id=str(uuid.uuid4()),
        officer_id=officer,
        borough=borough,
        school_ids=list(schools),
        share_percent=100,
        start_date=today - timedelta(days=365),
        tenure_end=today + timedelta(days=3 * 365),
        rank=rank,
    )


@pytest.fixture
def client() -> Iterator[TestClient]:
    """The API over in-memory persistence, OFFICER deployed to SCHOOL."""
    service = create_app(ServiceSettings.for_service("incidents", in_memory=True), CLOCK)
    with TestClient(service) as test_client:
        view = in_memory_deployments(service)
        view.apply(deployed())
        yield test_client


Headers = Callable[..., dict[str, str]]


def officer_headers() -> dict[str, str]:
    """Bearer of OFFICER."""
    return dict(bearer("school_officer", OFFICER, school=SCHOOL))


def staff_headers(school: str = SCHOOL, role: str = "school_staff") -> dict[str, str]:
    """Bearer of a member of staff (or head teacher) of ``school``."""
    return dict(bearer(role, f"{role}-1", school=school))


def incident_body(**overrides: Any) -> dict[str, Any]:
    """A valid POST /incidents body."""
    return {
        "school_id": SCHOOL,
        "occurred_at": at(1).isoformat(),
        "location_kind": "premises",
        "category": "anti-social-behaviour",
        "came_to_notice": "officer_patrol",
        "description": "Graffiti on the sports hall",
        "pupil_refs": [PUPIL],
        **overrides,
    }


@pytest.fixture
def given_reported_incident_via_api(client: TestClient) -> str:
    """An incident the deployed officer reported through the API."""
    response = client.post("/incidents", json=incident_body(), headers=officer_headers())
    assert response.status_code == 201, response.text
    incident_id: str = response.json()["id"]
    return incident_id


def in_memory_deployments(service: FastAPI) -> InMemoryDeployments:
    """The in-memory deployments view of a service started with ``in_memory=True``."""
    view = context_of(service, IncidentsContext).deployments
    assert isinstance(view, InMemoryDeployments)
    return view


def listed(app: IncidentsApplication, where: Where) -> list[dict[str, Any]]:
    """Rows of the case view over ``app``'s in-memory store that satisfy ``where``."""
    return asyncio.run(MemoryView(app, CASES).select(where))
