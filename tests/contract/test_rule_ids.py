"""Every refusal names its rule in one style: kebab-case ids, in every service.

Clients match on the rule id of ``{"detail": {"rule", "message", "field"}}``; one spelling
across the four services is part of that contract.
"""

import re

from services.runtime.domain import rule_of_error
from services.runtime.settings import REPO_ROOT

KEBAB = re.compile(r"\A[a-z0-9]+(-[a-z0-9]+)*\Z")
RAISED = re.compile(
    r"\b(?:RuleViolation|StateConflict|Forbidden|Unauthenticated)\(\s*\"([^\"]+)\"", re.S
)


def rule_ids_in_code() -> dict[str, str]:
    """Rule id -> first file raising it, for every literal id in the services."""
    found: dict[str, str] = {}
    for path in sorted((REPO_ROOT / "services").rglob("*.py")):
        if "/tests/" in str(path):
            continue
        for rule in RAISED.findall(path.read_text()):
            found.setdefault(rule, str(path.relative_to(REPO_ROOT)))
    return found


def test_every_rule_id_is_kebab_case() -> None:
    ids = rule_ids_in_code()
    assert len(ids) > 80  # the scan sees the services' rules, not an empty tree
    assert {rule: where for rule, where in ids.items() if not KEBAB.match(rule)} == {}


def test_pydantic_error_types_become_kebab_case_rules() -> None:
    assert rule_of_error("string_pattern_mismatch") == "string-pattern-mismatch"
    assert KEBAB.match(rule_of_error("json_invalid"))
