"""Bodies of the commands the stories send, valid unless a test overrides a field."""

from typing import Any

from services.incidents.tests.conftest import PUPIL, SCHOOL, at

PERSON = "Jordan Example, Year 10"


# The police form of the officer's own search (MPS Form 5090, PACE Code A 4.3).
POLICE_FORM = {
    "form_reference": "5090/TW/2026/00417",
    "officer_number": "421TW",
    "station": "Tottenham",
    "receipt_offered": True,
}


def search_facts(**overrides: Any) -> dict[str, Any]:
    """A search of a pupil on the premises, knife suspected, nothing found."""
    by_officer = overrides.get("searched_by", "officer") == "officer"
    return {
        **(POLICE_FORM if by_officer else {}),
        "school_id": SCHOOL,
        "incident_id": None,
        "searched_by": "officer",
        "searched_at": at(1, 11, 17),
        "location_kind": "premises",
        "place_description": "Changing room by the sports hall",
        "latitude": 51.58731,
        "longitude": -0.01942,
        "pupil_ref": PUPIL,
        "person": PERSON,
        "legislation": "Criminal Justice Act 1988 (section 139B)",
        "object_of_search": "Offensive weapons",
        "grounds": "Two pupils reported seeing a knife in his bag at lunch",
        "gender": "Male",
        "age_range": "10-17",
        "self_defined_ethnicity": "Other ethnic group - Not stated",
        "officer_defined_ethnicity": "White",
        "outcome": "A no further action disposal",
        "outcome_linked_to_object_of_search": False,
        "removal_of_more_than_outer_clothing": False,
        "found": None,
        "injury_or_damage": None,
        **overrides,
    }


def search_body(**overrides: Any) -> dict[str, Any]:
    """A valid POST /searches body."""
    facts = search_facts(**overrides)
    facts["searched_at"] = facts["searched_at"].isoformat()
    return facts
