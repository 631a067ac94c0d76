"""Starting states of the disclosure stories, built on the in-memory application."""

import asyncio
from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

import pytest
from fastapi.testclient import TestClient

from services.disclosure.application import DisclosureApplication
from services.disclosure.domain.decision import Decision
from services.disclosure.domain.proforma import WrittenRequest
from services.disclosure.main import create_app
from services.disclosure.views.register import REGISTER, Register, RegisterEntry
from services.runtime.clock import FixedClock, london
from services.runtime.domain import Actor
from services.runtime.settings import ServiceSettings
from services.runtime.subjects import reveal
from services.runtime.views_pg import MemoryView

# A fixed, London-built clock: commands in these stories are handled at NOW.
NOW = london(2026, 11, 23, 9)
CLOCK = FixedClock(NOW)
FOUR_HOURS, DAY = timedelta(hours=4), timedelta(hours=24)
PUPIL = "pupil-0123456789abcdef"

OFFICER = Actor("officer-1", "school_officer", "corr-1", "school-1", None)
OTHER_OFFICER = Actor("officer-2", "school_officer", "corr-2", "school-1", None)
HEAD = Actor("head-1", "head_teacher", "corr-3", "school-1", None)
OTHER_HEAD = Actor("head-2", "head_teacher", "corr-4", "school-2", None)
DISCLOSURE_OFFICER = Actor("do-1", "disclosure_officer", "corr-5", None, "waltham-forest")
OTHER_BOROUGH_OFFICER = Actor("do-2", "disclosure_officer", "corr-6", None, "hackney")


def routine_form(**overrides: Any) -> dict[str, Any]:
    """A complete routine pro forma about a pupil of school-1."""
    return {
        "requesting_body": "police",
        "requesting_officer": "PC 123 A. Officer, Leyton",
        "subject_ref": PUPIL,
        "school_id": "school-1",
        "borough": "waltham-forest",
        "urgency": "routine",
        "urgent_reason": None,
        "categories": ["offending_history", "safeguarding_concerns", "behaviour"],
        "purpose": "Investigation of a robbery near the school gates",
        "necessity": "Attendance records establish who was in school at the time",
        "lawful_basis": "cda_1998_s115",
        **overrides,
    }


def urgent_form(**overrides: Any) -> dict[str, Any]:
    """An urgent request phoned in about a missing pupil: most of the pro forma to follow."""
    urgent = {
        "urgency": "urgent",
        "urgent_reason": "pupil_missing",
        "requesting_officer": None,
        "categories": ["contact_details"],
        "purpose": "Pupil missing since last night",
        "necessity": None,
        "lawful_basis": None,
    }
    return routine_form(**{**urgent, **overrides})


PART: dict[str, Any] = {
    "outcome": "disclose_part",
    "reasoning": "Attendance and behaviour are necessary; exclusions are not",
    "withheld_categories": ["safeguarding_concerns"],
    "withheld_reason": "Exclusion records go beyond the stated purpose",
}
FULL: dict[str, Any] = {
    "outcome": "disclose_full",
    "reasoning": "Necessary for locating the pupil",
    "withheld_categories": [],
    "withheld_reason": None,
}
REFUSE: dict[str, Any] = {
    "outcome": "refuse",
    "reasoning": "The purpose does not require personal data",
    "withheld_categories": [],
    "withheld_reason": None,
}
RELEASE: dict[str, Any] = {
    "categories_shared": ["offending_history", "behaviour"],
    "information_shared": "Attendance marks and behaviour log for the week of 16 November",
    "recipient_body": "police",
    "recipient": "PC 123, Leyton",
    "means": "secure_email",
}


@pytest.fixture
def app() -> DisclosureApplication:
    return DisclosureApplication()


@pytest.fixture
def client() -> Iterator[TestClient]:
    """The HTTP API over an in-memory store."""
    with TestClient(
        create_app(ServiceSettings.for_service("disclosure", in_memory=True), CLOCK)
    ) as c:
        yield c


def submit(app: DisclosureApplication, form: dict[str, Any], at: datetime = NOW) -> UUID:
    """Submit ``form`` as the school's officer."""
    return app.submit_request(WrittenRequest(**form), at, FOUR_HOURS, DAY, OFFICER)


@pytest.fixture
def given_routine_request(app: DisclosureApplication) -> UUID:
    return submit(app, routine_form())


@pytest.fixture
def given_signed_request(app: DisclosureApplication, given_routine_request: UUID) -> UUID:
    request = app.get_request(given_routine_request)
    app.countersign(given_routine_request, request.content_hash, NOW + timedelta(hours=1), HEAD)
    return given_routine_request


@pytest.fixture
def given_part_disclosure(app: DisclosureApplication, given_signed_request: UUID) -> UUID:
    app.decide(given_signed_request, Decision(**PART), NOW + timedelta(hours=2), DISCLOSURE_OFFICER)
    return given_signed_request


@pytest.fixture
def given_refused_request(app: DisclosureApplication, given_signed_request: UUID) -> UUID:
    app.decide(
        given_signed_request, Decision(**REFUSE), NOW + timedelta(hours=2), DISCLOSURE_OFFICER
    )
    return given_signed_request


@pytest.fixture
def given_released_request(app: DisclosureApplication, given_part_disclosure: UUID) -> UUID:
    app.record_release(
        given_part_disclosure, dict(RELEASE), NOW + timedelta(hours=3), DISCLOSURE_OFFICER
    )
    return given_part_disclosure


@pytest.fixture
def given_urgent_request(app: DisclosureApplication) -> UUID:
    return submit(app, urgent_form())


def register_of(app: DisclosureApplication, borough: str) -> list[RegisterEntry]:
    """The borough's register over ``app``'s in-memory store, as the service answers it (free
    text opened from its record keys)."""
    entries = asyncio.run(Register(MemoryView(app, REGISTER)).of_borough(borough))
    return [RegisterEntry(**reveal(app.subjects, e.model_dump())) for e in entries]
