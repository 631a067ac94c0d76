"""Who holds the data: the data controller, the direction of sharing and who decides.

Appendix 2 of the protocol shares information both ways: the school holds attendance,
special educational needs, health and exclusion records, which its head teacher releases;
police-held information is decided on by the police disclosure officer. The ICO data sharing
code adds what each sharing records: the agreement, the lawful basis, special-category data,
what the recipient may do with it, and how long it keeps it.
"""

from dataclasses import dataclass
from datetime import date
from typing import Any

from ssp_contracts.events.disclosure import (
    DataController,
    InformationCategory,
    OnwardUse,
    SharingDirection,
)

from services.disclosure.domain.rules import NotEntitled, check_disclosure_officer_of
from services.runtime.domain import Actor, RuleViolation

# Records only the school keeps (released by its head teacher), and only the police keep.
SCHOOL_HELD: frozenset[InformationCategory] = frozenset(
    {"attendance", "special_educational_needs", "health", "exclusions"}
)
POLICE_HELD: frozenset[InformationCategory] = frozenset({"offending_history"})
# UK GDPR Article 9: health data; SEN records describe a child's health and disabilities.
SPECIAL: frozenset[InformationCategory] = frozenset({"health", "special_educational_needs"})
DIRECTION_OF: dict[str, SharingDirection] = {
    "police": "police_to_school",
    "school": "school_to_police",
}
DEFAULT_ONWARD_USE: list[OnwardUse] = ["stated_purpose_only", "no_onward_sharing"]


@dataclass(frozen=True, kw_only=True)
class Sharing:
    """The terms of the sharing (null only on requests recorded before they existed)."""

    data_controller: DataController | None = None
    direction: SharingDirection | None = None
    isa_ref: str | None = None
    special_category: bool | None = None
    onward_use: list[OnwardUse] | None = None
    retain_until: date | None = None


SHARING_FIELDS = tuple(Sharing.__dataclass_fields__)


def with_defaults(content: dict[str, Any]) -> dict[str, Any]:
    """The terms as submitted, with the defaults a request without them gets."""
    controller = content.get("data_controller") or "police"
    categories = set(content.get("categories") or ())
    special = content.get("special_category")
    return {
        **content,
        "data_controller": controller,
        "direction": content.get("direction") or DIRECTION_OF[controller],
        "special_category": bool(categories & SPECIAL) if special is None else special,
        "onward_use": content.get("onward_use") or list(DEFAULT_ONWARD_USE),
    }


def check_terms(content: dict[str, Any], today: date) -> None:
    """The categories are the controller's, the direction starts from it, Article 9 is declared."""
    controller, categories = content.get("data_controller"), set(content.get("categories") or ())
    if controller is None:
        return  # recorded before the controller was named: the disclosure officer decided
    direction = content.get("direction")
    if direction is not None and direction != DIRECTION_OF[controller]:
        raise RuleViolation(
            "direction-not-from-controller",
            f"data held by the {controller} flows {DIRECTION_OF[controller]}, not {direction}",
            "direction",
        )
    foreign = sorted(categories & (POLICE_HELD if controller == "school" else SCHOOL_HELD))
    if foreign:
        holder = "police" if controller == "school" else "school"
        raise RuleViolation(
            f"category-held-by-{holder}",
            f"{', '.join(foreign)} is held by the {holder}; ask the {holder} in its own request",
            "categories",
        )
    if categories & SPECIAL and content.get("special_category") is False:
        raise RuleViolation(
            "special-category-undeclared",
            f"{', '.join(sorted(categories & SPECIAL))} is special-category data (UK GDPR art. 9)",
            "special_category",
        )
    retain_until = content.get("retain_until")
    if retain_until is not None and retain_until <= today:
        raise RuleViolation(
            "retention-date-in-past", "retain_until must lie after the submission", "retain_until"
        )


def check_decider(actor: Actor, controller: str | None, school_id: str, borough: str) -> None:
    """The controller decides and releases: the head teacher for school-held data, the
    police disclosure officer of the borough for police-held data (403 naming the rule)."""
    if controller == "school":
        if actor.role != "head_teacher" or actor.school != school_id:
            raise NotEntitled(
                "school-data-released-by-head-teacher",
                f"the school holds this data: only the head teacher of school {school_id}"
                " decides on and releases it",
                "data_controller",
            )
        return
    if actor.role == "head_teacher":
        raise NotEntitled(
            "police-data-decided-by-disclosure-officer",
            f"the police hold this data: a disclosure officer of borough {borough} decides",
            "data_controller",
        )
    check_disclosure_officer_of(actor, borough)
