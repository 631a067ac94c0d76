"""Rectification (Data Protection Act 2018 s46): a wrong personal detail is corrected by a new
event; the original stays in the record's history, so what was believed when stays provable."""

from services.runtime.domain import RuleViolation


def check_rectification(
    field: str, allowed: frozenset[str], old: object, new: str, reason: str
) -> None:
    """The field holds a personal detail, the value changes, and the reason is given."""
    if field not in allowed:
        raise RuleViolation(
            "rectification-field",
            f"{field} is not a personal detail of this record; one of {', '.join(sorted(allowed))}",
            "field",
        )
    if not new.strip():
        raise RuleViolation("rectification-value", "the corrected value is required", "value")
    if new == old:
        raise RuleViolation(
            "rectification-changes-nothing", f"{field} already reads as given", "value"
        )
    if len(reason.strip()) < 10:
        raise RuleViolation(
            "rectification-reason",
            "say why the detail was wrong (at least 10 characters)",
            "reason",
        )
