"""The written request (pro forma): its fields, what is missing, and its content hash."""

import hashlib
import json
from dataclasses import dataclass, fields
from typing import Any

from ssp_contracts.events.disclosure import (
    InformationCategory,
    LawfulBasis,
    RequestingBody,
    Urgency,
    UrgentReason,
)

from services.disclosure.domain.controller import SHARING_FIELDS, Sharing
from services.runtime.domain import RuleViolation
from services.runtime.sealed import published


@dataclass(frozen=True, kw_only=True)
class ProForma:
    """The fields of the pro forma that may follow later on the urgent path, in form order."""

    requesting_officer: str | None
    categories: list[InformationCategory] | None
    purpose: str | None
    necessity: str | None
    lawful_basis: LawfulBasis | None


@dataclass(frozen=True, kw_only=True)
class WrittenRequest(Sharing, ProForma):
    """The request as written: everything the head teacher's signature covers."""

    requesting_body: RequestingBody
    subject_ref: str
    school_id: str
    borough: str
    urgency: Urgency
    urgent_reason: UrgentReason | None


PRO_FORMA_FIELDS = tuple(f.name for f in fields(ProForma))
CONTENT_FIELDS = tuple(f.name for f in fields(WrittenRequest))


def missing_fields(content: dict[str, Any]) -> list[str]:
    """Pro forma fields that are absent or empty, in form order."""
    return [name for name in PRO_FORMA_FIELDS if not content.get(name)]


def content_hash(content: dict[str, Any]) -> str:
    """SHA-256 over the canonical JSON of the request's content."""
    canonical = {name: content.get(name) for name in CONTENT_FIELDS}
    # Terms absent from requests recorded before they existed keep those requests' hashes.
    for name in SHARING_FIELDS:
        if canonical[name] is None:
            del canonical[name]
    if canonical["categories"]:
        canonical["categories"] = sorted(canonical["categories"])
    text = json.dumps(canonical, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def check_complete(content: dict[str, Any]) -> None:
    """A written request carries every field of the pro forma."""
    missing = missing_fields(content)
    if missing:
        raise RuleViolation(
            "pro-forma-incomplete",
            f"the written request lacks {', '.join(missing)}; every pro forma field is required",
            missing[0],
        )


def check_urgency(urgency: str, urgent_reason: str | None) -> None:
    """Only a pupil at risk, absent or missing makes a request urgent."""
    if urgency == "urgent" and not urgent_reason:
        raise RuleViolation(
            "urgent-reason-required",
            "an urgent request must say whether the pupil is at risk, absent or missing",
            "urgent_reason",
        )
    if urgency == "routine" and urgent_reason:
        raise RuleViolation(
            "urgent-reason-on-routine",
            "a routine request carries no urgent reason",
            "urgent_reason",
        )


def check_is_pupil_ref_for_urgent(urgency: str, subject_ref: str) -> None:
    """The urgent path exists for pupils (at risk, absent or missing), not for adults."""
    # A sealed reference names the subject's pseudonym, which keeps the reference's kind.
    if urgency == "urgent" and not published(subject_ref).startswith("pupil-"):
        raise RuleViolation(
            "urgent-path-is-for-pupils",
            "only a request about a pupil at risk, absent or missing may be urgent",
            "subject_ref",
        )
