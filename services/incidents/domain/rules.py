"""Rules shared by every record: times that make sense, written justifications."""

from datetime import datetime, timedelta

from services.runtime.domain import RuleViolation

# Clocks of phones and servers differ a little; beyond this a time is "in the future".
CLOCK_TOLERANCE = timedelta(minutes=5)
# A written justification is a sentence, not a tick box.
MIN_JUSTIFICATION = 20


def check_aware(moment: datetime, field: str) -> None:
    """A time without a timezone cannot be placed against protocol hours."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise RuleViolation("timezone-required", f"{field} must include a timezone", field)


def check_not_future(moment: datetime, now: datetime, field: str) -> None:
    """Nothing is recorded as having happened later than now."""
    check_aware(moment, field)
    if moment > now + CLOCK_TOLERANCE:
        raise RuleViolation(
            "not-in-future", f"{field} {moment.isoformat()} is in the future", field
        )


def check_not_before(moment: datetime, earlier: datetime, field: str, what: str) -> None:
    """A follow-up cannot precede what it follows."""
    if moment < earlier:
        raise RuleViolation(
            "chronology",
            f"{field} {moment.isoformat()} is before {what} ({earlier.isoformat()})",
            field,
        )


def check_justification(text: str | None, rule: str, field: str, why: str) -> str:
    """A written justification of at least MIN_JUSTIFICATION characters, returned stripped."""
    stripped = (text or "").strip()
    if len(stripped) < MIN_JUSTIFICATION:
        raise RuleViolation(
            rule,
            f"{field} is required ({why}): a written justification of at least"
            f" {MIN_JUSTIFICATION} characters",
            field,
        )
    return stripped
